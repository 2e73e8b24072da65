package com.esimorders.intake;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * For {@code enrich: direct:submit-order}: keeps the caller's exchange and takes only the body of the answer.
 * Needed because submit-order's provider-redelivery handles a provider refusal (handled: true) and hands back a
 * REJECTED/FAILED outcome, and a handled exchange stops the caller's route: called with {@code to}, nothing after
 * the call would run for those outcomes. An exception (the order could not be recorded) still reaches the caller.
 */
public class TakeAnswerBody implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange original, Exchange answer) {
        if (answer != null) {
            original.getIn().setBody(answer.getIn().getBody());
        }
        return original;
    }
}
