package com.esimorders.order;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The provider's order rules, checked before anything is sent: a non-blank external_order_id, at least one
 * product, an option_id and a positive integer qty on every product, and a well-formed email when one is given.
 * Lengths are those the orders table stores. One rule is ours: an order buys at most {@code esim.order.max-units}
 * eSIMs (the sum of its qty), so that a typo such as 1000 for 10 is refused here instead of bought. The file and the
 * queue intake both check with this class.
 */
public final class OrderValidator {

    /** A reason, for the whole order ({@code product} -1) or for one product (its index). */
    public record Problem(int product, String reason) {
    }

    static final int MAX_ID_LENGTH = 100;
    static final int MAX_EMAIL_LENGTH = 320;
    static final int MAX_NAME_LENGTH = 200;
    private static final Pattern QTY = Pattern.compile("[0-9]{1,9}");
    /** local@domain.tld; no spaces, controls, angle brackets, commas or quotes (nothing that could add a recipient). */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s<>,;\"]+@[^@\\s<>,;\"]+\\.[^@\\s<>,;\".]+");
    /** A control character (NUL, tab, line breaks, C1 controls): none belongs in an id or an address. */
    private static final Pattern CONTROL = Pattern.compile("\\p{Cc}");

    private final int maxUnits;

    public OrderValidator(int maxUnits) {
        this.maxUnits = maxUnits;
    }

    public List<Problem> check(OrderDraft draft) {
        List<Problem> problems = new ArrayList<>();
        String id = draft.externalOrderId();
        if (id == null || id.isBlank()) {
            problems.add(new Problem(-1, "external_order_id is blank"));
        } else if (id.trim().length() > MAX_ID_LENGTH) {
            problems.add(new Problem(-1, "external_order_id is longer than " + MAX_ID_LENGTH + " characters"));
        } else if (hasControl(id)) {
            problems.add(new Problem(-1, "external_order_id contains a control character"));
        }
        if (draft.products() == null || draft.products().isEmpty()) {
            problems.add(new Problem(-1, "products is empty"));
        } else {
            for (int i = 0; i < draft.products().size(); i++) {
                checkProduct(problems, i, draft.products().get(i));
            }
            checkUnits(problems, draft.products());
        }
        String email = draft.email();
        if (email != null && !email.isBlank()) {
            String trimmed = email.trim();
            if (trimmed.length() > MAX_EMAIL_LENGTH || !EMAIL.matcher(trimmed).matches() || hasControl(trimmed)) {
                problems.add(new Problem(-1, "customer email is not a well-formed address"));
            }
        }
        if (draft.name() != null && draft.name().trim().length() > MAX_NAME_LENGTH) {
            problems.add(new Problem(-1, "customer name is longer than " + MAX_NAME_LENGTH + " characters"));
        } else if (draft.name() != null && draft.name().indexOf('\0') >= 0) {
            // a name may have line breaks (a quoted CSV field), but PostgreSQL refuses NUL in text
            problems.add(new Problem(-1, "customer name contains a NUL character"));
        }
        return problems;
    }

    private static void checkProduct(List<Problem> problems, int index, OrderDraft.Product product) {
        String optionId = product.optionId();
        if (optionId == null || optionId.isBlank()) {
            problems.add(new Problem(index, "option_id is missing"));
        } else if (optionId.trim().length() > MAX_ID_LENGTH) {
            problems.add(new Problem(index, "option_id is longer than " + MAX_ID_LENGTH + " characters"));
        } else if (hasControl(optionId)) {
            problems.add(new Problem(index, "option_id contains a control character"));
        }
        String qty = product.qty() == null ? "" : product.qty().trim();
        if (qty.isEmpty()) {
            problems.add(new Problem(index, "qty is missing"));
        } else if (!QTY.matcher(qty).matches() || Integer.parseInt(qty) < 1) {
            problems.add(new Problem(index, "qty must be a positive integer, got \"" + abbreviate(qty) + "\""));
        }
    }

    /** The sum of the valid quantities: when it is already too large, the order is, whatever its other lines say. */
    private void checkUnits(List<Problem> problems, List<OrderDraft.Product> products) {
        long units = products.stream().map(OrderDraft.Product::qty)
                .filter(qty -> qty != null && QTY.matcher(qty.trim()).matches())
                .mapToLong(qty -> Long.parseLong(qty.trim()))
                .sum();
        if (units > maxUnits) {
            problems.add(new Problem(-1, "order has " + units + " units, more than esim.order.max-units=" + maxUnits));
        }
    }

    private static boolean hasControl(String value) {
        return CONTROL.matcher(value.trim()).find();
    }

    private static String abbreviate(String value) {
        return value.length() <= 20 ? value : value.substring(0, 20) + "...";
    }
}
