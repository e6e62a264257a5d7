/**
 * Placement: where a job should go when several providers could take it (Slurm clusters, Kubernetes with Kueue,
 * cloud pools). Each provider answers a {@link dev.reckon.place.Request} with an {@link dev.reckon.place.Offer}
 * (a {@link dev.reckon.place.Readiness}, its reason, the predicted start and end, the cost); a named
 * {@link dev.reckon.place.Selector} from {@link dev.reckon.place.Selectors} picks one. Pure: offers in, a choice out;
 * the live reading of providers and the studies of many placements build on these types.
 */
package dev.reckon.place;
