package io.carryover.history;

/** Roles of the History API. Service tokens carry them in the configured roles claim. */
public final class Roles {
    public static final String READ = "history.read";
    public static final String SEARCH = "history.search";
    public static final String SEARCH_ALL = "history.search-all";
    public static final String EXPORT = "history.export";
    public static final String ERASE = "history.erase";
    public static final String AUDIT = "history.audit";
    /** Given to every valid token of a customer issuer, and never to a service token. */
    public static final String CUSTOMER = "customer";

    private Roles() {
    }
}
