package io.carryover.platform;

/**
 * Who is spending a region's request budget, most urgent first. A first enrichment attempt may use the whole window;
 * an agent's lookup all but the first attempts' reserve; a retry all but both reserves
 * ({@code carryover.platform.first-attempt-reserve}, {@code carryover.platform.agent-reserve}). So a backlog of
 * retries can never stop an agent page or a new customer's summary, and agents can never starve new summaries.
 */
public enum CallPriority {
    /** A new conversation's first correlation or PATCH: the summary is worth most now. */
    FIRST_ATTEMPT,
    /** An agent page deciding who may look (participants, organization). */
    AGENT_LOOKUP,
    /** Enrichment retrying after not-found, throttling or an outage. */
    RETRY
}
