package io.carryover.enrich;

/**
 * Turns a customer's history into a {@link Summary}. The deterministic implementation runs locally; an LLM-backed one
 * can replace it as a CDI alternative. Implementations see unredacted text; redaction happens on the result, before
 * anything leaves Carryover.
 */
public interface Summarizer {

    Summary summarize(CustomerHistory history);
}
