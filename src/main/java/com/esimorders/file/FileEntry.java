package com.esimorders.file;

import com.esimorders.order.Order;
import java.util.List;

/**
 * One unit read from a drop file: an order ready to submit with the lines it came from, or lines that cannot
 * become an order (then {@code order} is null and every line carries its reason).
 */
public record FileEntry(Order order, List<Line> lines) {

    /** One input line (a CSV row, or one product of a JSON order, which all carry the order's line number). */
    public record Line(int number, String externalOrderId, String optionId, String error) {
    }

    public static FileEntry invalid(int number, String externalOrderId, String optionId, String error) {
        return new FileEntry(null, List.of(new Line(number, externalOrderId, optionId, error)));
    }

    public boolean isValid() {
        return order != null;
    }

    /** "12" or "12-14": the lines an order spans, for the order's source reference. */
    public String lineRange() {
        int first = lines.get(0).number();
        int last = lines.get(lines.size() - 1).number();
        return first == last ? String.valueOf(first) : first + "-" + last;
    }
}
