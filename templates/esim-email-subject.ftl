Your eSIM is ready: ${plan}
