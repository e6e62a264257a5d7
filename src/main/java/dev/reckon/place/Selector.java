package dev.reckon.place;

import java.util.List;
import java.util.Optional;

/**
 * A rule that picks one offer. Offers arrive in the providers file's order; a selector chooses only offers that
 * will run the job ({@link Readiness#willRun()}) and answers empty when there is none.
 */
public interface Selector {
    /** Its name, as {@code --select} spells it. */
    String name();

    /** One line for {@code --help}. */
    String description();

    /** The chosen offer, or empty when no provider will run the job. */
    Optional<Offer> choose(List<Offer> offers, Request request);
}
