<#if customerName?has_content>Hello ${customerName},<#else>Hello,</#if>

your eSIM is ready.

Plan:             ${plan}
ICCID:            ${iccid}
Valid until:      ${expiryDate}
Order reference:  ${orderReference}

Install on iPhone (iOS 17.4 or later), tap:
${iosInstallUrl}

Install by scanning the QR code in the HTML version of this email, or enter these details manually:
SM-DP+ address:   ${smdpAddress}
Activation code:  ${activationCode}

Keep this email: the QR code can be installed only once.
