package io.carryover.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;

import io.carryover.identity.CustomerKey;

/**
 * Seeds the History API benchmark database with COPY: at scale 1.0, 100,000 customers (a tenth of them guests), 4
 * heavy customers with 1,000–2,500 conversations, 1,000,000 conversations over two years in 6 deployments and
 * 10,000,000 messages, with what the archive and enrichment would have written beside them (guest sessions, outbox
 * jobs, stored summaries citing message ids, identity links). Rows go in chronological order, as the archive writes
 * them, so one customer's conversations are spread over the table rather than clustered.
 * <p>
 * The schema is Flyway's (the caller has migrated the empty database). For speed the seeder drops every index and
 * constraint of the seeded tables and the foreign keys touching them, COPYs, and recreates exactly what it read from
 * the catalogue ({@code pg_indexes}, {@code pg_get_constraintdef}), so an index a later migration adds is measured
 * too; then {@code ANALYZE}. A {@code bench_seed} row records what was seeded, so a later run with the same scale and
 * generator reuses the data.
 */
final class HistorySeeder {

    /** Bump when the generated data changes, so older seeds are not reused. */
    static final int GENERATOR_VERSION = 3;
    static final String ISSUER = "https://login.bench.example/";
    static final List<String> TABLES = List.of("customer", "guest_session", "conversation", "message",
            "enrichment_job", "conversation_summary", "identity_link");
    static final int[] HEAVY_CONVERSATIONS = { 2500, 1500, 1200, 1000 };
    static final String[] DEPLOYMENTS = { "2f7c1a2e-6d0b-4a51-9a3e-1c0d9b7f4e10", "8b1e5c77-0f3a-4c2d-b6e4-2a9d0e3f5b21",
            "c41d9e03-7a6b-4f8e-a1c2-3b4d5e6f7a32", "5e9a0b14-2c3d-4e5f-8a9b-0c1d2e3f4a43",
            "d7f3b2a1-9e8d-4c7b-a6f5-e4d3c2b1a054", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c65" };
    private static final double[] DEPLOYMENT_WEIGHTS = { 0.40, 0.25, 0.15, 0.10, 0.06, 0.04 };
    private static final long DAY = 86_400_000L;
    private static final int PRIOR_CONVERSATIONS = 5;
    private static final long PRIOR_WINDOW = 180 * DAY;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    /** What is in the database, and how long seeding took (0 when reused). */
    record Seed(double scale, boolean reused, double seconds, Map<String, Long> counts, List<String> steps,
            long frequentTermMessages, long rareTermMessages) {
    }

    private final String url;
    private final double scale;
    private final int[] heavy;
    private final Consumer<String> log;

    HistorySeeder(String url, double scale, Consumer<String> log) {
        this(url, scale, HEAVY_CONVERSATIONS, log);
    }

    /** {@code heavy}: conversations of each heavy customer (the benchmark's are {@link #HEAVY_CONVERSATIONS}). */
    HistorySeeder(String url, double scale, int[] heavy, Consumer<String> log) {
        this.url = url;
        this.scale = scale;
        this.heavy = heavy.clone();
        this.log = log;
        long conversations = Math.round(1_000_000 * scale);
        if (scale > 2 || Arrays.stream(heavy).sum() > conversations * 0.7) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "scale %s is out of range: at most 2, and "
                    + "the heavy customers (%d conversations) may hold at most 70%% of them", scale,
                    Arrays.stream(heavy).sum()));
        }
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, "postgres", "");
    }

    /** The earlier seed, if this scale and generator seeded it and every table still holds what it recorded. */
    Seed existing() throws SQLException {
        try (Connection c = connect()) {
            if (!exists(c, "bench_seed")) {
                return null;
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    select seed_seconds, counts::text, steps, frequent_term_messages, rare_term_messages
                    from bench_seed where generator_version = ? and scale = ?""")) {
                ps.setInt(1, GENERATOR_VERSION);
                ps.setDouble(2, scale);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    Map<String, Long> recorded = parseCounts(rs.getString(2));
                    if (!recorded.equals(counts(c))) {
                        return null;
                    }
                    return new Seed(scale, true, rs.getDouble(1), recorded, List.of(rs.getString(3).split("\n")),
                            rs.getLong(4), rs.getLong(5));
                }
            }
        }
    }

    /** Seeds the (migrated, empty) database. */
    Seed seed() throws Exception {
        long start = System.nanoTime();
        List<String> steps = new ArrayList<>();
        Plan plan = new Plan(scale, heavy);
        steps.add(String.format(Locale.ROOT, "plan %.1f s", seconds(start)));
        Schema schema;
        try (Connection c = connect()) {
            schema = Schema.read(c);
            schema.drop(c);
        }
        long copyStart = System.nanoTime();
        Generated generated = generate(plan);
        steps.add(String.format(Locale.ROOT, "generate + COPY %.1f s (%s)", seconds(copyStart), generated.volume));
        try (Connection c = connect()) {
            c.createStatement().execute("set maintenance_work_mem = '1GB'");
            schema.recreate(c, (name, s) -> steps.add(String.format(Locale.ROOT, "%s %.1f s", name, s)));
            Schema after = Schema.read(c);
            if (!after.equals(schema)) {
                throw new IllegalStateException("indexes or constraints differ after seeding:\nbefore " + schema
                        + "\nafter " + after);
            }
            resetIdentities(c);
            long vectors = System.nanoTime();
            indexForSearch(c);
            steps.add(String.format(Locale.ROOT, "search vectors %.1f s", seconds(vectors)));
            long analyze = System.nanoTime();
            for (String table : TABLES) {
                c.createStatement().execute("analyze " + table);
            }
            steps.add(String.format(Locale.ROOT, "analyze %.1f s", seconds(analyze)));
            Map<String, Long> counts = counts(c);
            double total = seconds(start);
            c.createStatement().execute("""
                    create table if not exists bench_seed (generator_version int not null, scale float8 not null,
                        seeded_at timestamptz not null, seed_seconds float8 not null, counts jsonb not null,
                        steps text not null, frequent_term_messages bigint not null, rare_term_messages bigint not null)""");
            c.createStatement().execute("delete from bench_seed");
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into bench_seed values (?, ?, now(), ?, ?::jsonb, ?, ?, ?)")) {
                ps.setInt(1, GENERATOR_VERSION);
                ps.setDouble(2, scale);
                ps.setDouble(3, total);
                ps.setString(4, countsJson(counts));
                ps.setString(5, String.join("\n", steps));
                ps.setLong(6, generated.frequentTermMessages);
                ps.setLong(7, generated.rareTermMessages);
                ps.executeUpdate();
            }
            return new Seed(scale, false, total, counts, steps, generated.frequentTermMessages,
                    generated.rareTermMessages);
        }
    }

    // ---- the plan: who has how many conversations, when, where

    /** Everything decided before any row is written; conversations are then walked in start order. */
    static final class Plan {
        final long now = Instant.now().truncatedTo(ChronoUnit.HOURS).toEpochMilli();
        final long windowStart = now - 730 * DAY;
        final int customers;
        final boolean[] guest;
        final byte[] homeDeployment;
        final byte[] otherDeployment; // -1: one deployment only
        final boolean[] linked; // first conversation came from a guest thread, linked at sign-in
        final int[] conversationsOf;
        final int conversations;
        final int[] customerOf;
        final long[] startOf;
        final int[] durationOf; // seconds from start to ended_at
        final int[] messagesOf;
        final byte[] slotOf; // 0: home deployment, 1: the other one
        final byte[] stateOf; // 0 CLOSED, 1 READ_ONLY, 2 ACTIVE
        final boolean[] correlated;
        final int[] order; // conversation indexes by start time
        final long messages;

        Plan(double scale, int[] heavy) {
            SplittableRandom random = new SplittableRandom(7);
            customers = (int) Math.round(100_000 * scale);
            conversations = (int) Math.round(1_000_000 * scale);
            messages = Math.round(10_000_000 * scale);
            guest = new boolean[customers];
            homeDeployment = new byte[customers];
            otherDeployment = new byte[customers];
            linked = new boolean[customers];
            conversationsOf = new int[customers];
            double[] weight = new double[customers];
            double weights = 0;
            int fixed = 0;
            for (int c = 0; c < customers; c++) {
                guest[c] = c >= heavy.length && c % 10 == 9;
                homeDeployment[c] = (byte) weighted(random, DEPLOYMENT_WEIGHTS);
                otherDeployment[c] = -1;
                if (!guest[c] && random.nextDouble() < 0.10) {
                    otherDeployment[c] = (byte) ((homeDeployment[c] + 1 + random.nextInt(DEPLOYMENTS.length - 1))
                            % DEPLOYMENTS.length);
                }
                linked[c] = !guest[c] && c >= heavy.length && random.nextDouble() < 0.02;
                if (c < heavy.length) {
                    conversationsOf[c] = heavy[c];
                    fixed += conversationsOf[c];
                } else if (guest[c]) {
                    conversationsOf[c] = random.nextDouble() < 0.2 ? 2 : 1;
                    fixed += conversationsOf[c];
                } else {
                    weight[c] = Math.exp(random.nextGaussian());
                    weights += weight[c];
                }
            }
            // Verified customers share the rest, log-normally (most have a few, some a few hundred).
            int rest = conversations - fixed;
            int given = 0;
            List<Integer> verified = new ArrayList<>();
            for (int c = heavy.length; c < customers; c++) {
                if (!guest[c]) {
                    conversationsOf[c] = Math.max(1, (int) (weight[c] / weights * rest));
                    given += conversationsOf[c];
                    verified.add(c);
                }
            }
            if (rest < 2 * verified.size()) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "scale %s is too small: the heavy "
                        + "customers alone hold %d of %d conversations", scale, Arrays.stream(heavy).sum(),
                        conversations));
            }
            while (given != rest) {
                int c = verified.get(random.nextInt(verified.size()));
                if (given < rest) {
                    conversationsOf[c]++;
                    given++;
                } else if (conversationsOf[c] > 1) {
                    conversationsOf[c]--;
                    given--;
                }
            }
            customerOf = new int[conversations];
            startOf = new long[conversations];
            durationOf = new int[conversations];
            messagesOf = new int[conversations];
            slotOf = new byte[conversations];
            stateOf = new byte[conversations];
            correlated = new boolean[conversations];
            // Messages per conversation: log-normal around 8, 2..200, then nudged to the exact total.
            long messageSum = 0;
            for (int i = 0; i < conversations; i++) {
                messagesOf[i] = (int) Math.max(2, Math.min(200, Math.round(Math.exp(Math.log(8) + 0.6
                        * random.nextGaussian()))));
                messageSum += messagesOf[i];
            }
            while (messageSum != messages) {
                int i = random.nextInt(conversations);
                if (messageSum < messages && messagesOf[i] < 200) {
                    messagesOf[i]++;
                    messageSum++;
                } else if (messageSum > messages && messagesOf[i] > 2) {
                    messagesOf[i]--;
                    messageSum--;
                }
            }
            int next = 0;
            long span = now - DAY - windowStart;
            for (int c = 0; c < customers; c++) {
                int n = conversationsOf[c];
                long[] starts = new long[n];
                for (int k = 0; k < n; k++) {
                    starts[k] = windowStart + (long) (random.nextDouble() * span);
                }
                Arrays.sort(starts);
                long free = Long.MIN_VALUE;
                boolean active = random.nextDouble() < (guest[c] ? 0.01 : 0.02);
                for (int k = 0; k < n; k++) {
                    int i = next++;
                    customerOf[i] = c;
                    // A conversation lasts about 20–60 s per message; the customer's next one starts after it ended.
                    durationOf[i] = messagesOf[i] * (20 + random.nextInt(41)) + 30 + random.nextInt(270);
                    long start = Math.max(starts[k], free);
                    if (k == n - 1 && active) {
                        start = Math.max(free, now - random.nextLong(6 * 3_600_000L));
                        stateOf[i] = 2;
                    } else {
                        stateOf[i] = (byte) (random.nextDouble() < 0.55 ? 1 : 0);
                    }
                    startOf[i] = start;
                    free = start + durationOf[i] * 1000L + 60_000 + random.nextLong(3_600_000L);
                    slotOf[i] = (byte) (otherDeployment[c] >= 0 && random.nextDouble() < 0.3 ? 1 : 0);
                    correlated[i] = random.nextDouble() < 0.97;
                }
            }
            long[] keys = new long[conversations];
            for (int i = 0; i < conversations; i++) {
                keys[i] = ((startOf[i] - windowStart) << 21) | i; // 43 bits of millis, 21 of index
            }
            Arrays.sort(keys);
            order = new int[conversations];
            for (int i = 0; i < conversations; i++) {
                order[i] = (int) (keys[i] & ((1 << 21) - 1));
            }
        }

        String subject(int customer) {
            return String.format(Locale.ROOT, "cust-%07d", customer);
        }

        String guestTokenHash(int customer) {
            return hex(mix(0x6775657374L ^ customer)) + hex(mix(0x7468726561L ^ customer))
                    + hex(mix(0x64L ^ customer)) + hex(mix(0x2aL ^ customer));
        }

        CustomerKey key(int customer) {
            return guest[customer] ? CustomerKey.guest(guestTokenHash(customer))
                    : new CustomerKey(ISSUER, subject(customer));
        }

        /** The guest who chatted before signing in, for a customer whose first conversation was linked. */
        CustomerKey linkedGuestKey(int customer) {
            return CustomerKey.guest(linkedTokenHash(customer));
        }

        String linkedTokenHash(int customer) {
            return hex(mix(0x6c696e6bL ^ customer)) + hex(mix(0x6c696e6cL ^ customer)) + hex(mix(0x6cL ^ customer))
                    + hex(mix(0x6dL ^ customer));
        }

        static int weighted(SplittableRandom random, double[] weights) {
            double r = random.nextDouble();
            for (int i = 0; i < weights.length; i++) {
                r -= weights[i];
                if (r < 0) {
                    return i;
                }
            }
            return weights.length - 1;
        }
    }

    // ---- ids: derived from indexes, so every table agrees without lookups

    static UUID uuid(long kind, long index) {
        long hi = mix(kind * 0x9E3779B97F4A7C15L + index);
        long lo = mix(hi ^ (index * 0xC2B2AE3D27D4EB4FL) ^ kind);
        hi = (hi & ~0xF000L) | 0x4000L; // version 4
        lo = (lo & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(hi, lo);
    }

    static UUID conversationId(int conversation) {
        return uuid(1, conversation);
    }

    static UUID sessionId(int customer, int slot) {
        return uuid(2, customer * 2L + slot);
    }

    static UUID linkedGuestSessionId(int customer) {
        return uuid(3, customer);
    }

    /** Genesys message ids are 32 hex digits; the first half is a bijection of (conversation, ordinal): unique. */
    static String genesysMessageId(int conversation, int ordinal) {
        long key = ((long) conversation << 8) | ordinal;
        return hex(mix(key)) + hex(mix(~key));
    }

    /** splitmix64's finaliser: a bijection of 64-bit values. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    static String hex(long value) {
        char[] out = new char[16];
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
        return new String(out);
    }

    // ---- generation

    private record Generated(String volume, long frequentTermMessages, long rareTermMessages) {
    }

    /** A prior conversation as the summary needs it; message ids are filled in as the messages are written. */
    private static final class Prior {
        final long start;
        final long end;
        final String opening;
        final List<String> agents;
        final long[] ids;
        final boolean[] text;
        int lastAgentOrdinal = -1;
        String lastAgentLine;
        boolean followUp;

        Prior(long start, long end, String opening, List<String> agents, int messages) {
            this.start = start;
            this.end = end;
            this.opening = opening;
            this.agents = agents;
            this.ids = new long[messages];
            this.text = new boolean[messages];
        }
    }

    /** A message waiting for its turn: rows go out in channel-time order across conversations. */
    private record Pending(long time, long sequence, Prior prior, int ordinal, int conversation, String direction,
            String type, String eventType, String text, String sender, String entity, long receivedAt,
            String original) {
    }

    private Generated generate(Plan plan) throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        HistoryCorpus corpus = new HistoryCorpus(random, 30_000);
        double rareChance = (double) HistoryCorpus.RARE_TERM_MESSAGES / plan.messages;
        long[] frequent = new long[1];
        long[] rare = new long[1];
        Map<String, CopyTable> tables = new LinkedHashMap<>();
        try {
            tables.put("customer", new CopyTable(connect(), "customer", "id, issuer, subject, created_at"));
            tables.put("guest_session", new CopyTable(connect(), "guest_session",
                    "id, deployment_id, token_hash, customer_id, current_conversation_id, created_at, last_seen_at"));
            tables.put("conversation", new CopyTable(connect(), "conversation",
                    "id, genesys_conversation_id, deployment_id, customer_id, session_id, started_at, ended_at, state, "
                            + "genesys_participant_id"));
            tables.put("message", new CopyTable(connect(), "message",
                    "id, genesys_message_id, conversation_id, direction, message_type, event_type, text, sender_name, "
                            + "originating_entity, channel_time, received_at, original"));
            tables.put("enrichment_job", new CopyTable(connect(), "enrichment_job",
                    "conversation_id, first_message_id, first_echo_at, state, outcome, attempts, next_attempt_at, "
                            + "locked_until, deadline_at, created_at, completed_at, last_error, patched_hash"));
            tables.put("conversation_summary", new CopyTable(connect(), "conversation_summary",
                    "conversation_id, headline, lines, attributes, created_at"));
            tables.put("identity_link", new CopyTable(connect(), "identity_link",
                    "id, conversation_id, from_customer_id, to_customer_id, from_session_id, to_session_id, linked_at"));
            writeCustomersAndSessions(plan, tables);
            CopyTable conversations = tables.get("conversation");
            CopyTable messages = tables.get("message");
            CopyTable jobs = tables.get("enrichment_job");
            CopyTable summaries = tables.get("conversation_summary");
            @SuppressWarnings("unchecked")
            ArrayDeque<Prior>[] priors = new ArrayDeque[plan.customers];
            PriorityQueue<Pending> pending = new PriorityQueue<>((a, b) -> a.time != b.time
                    ? Long.compare(a.time, b.time) : Long.compare(a.sequence, b.sequence));
            long[] nextMessageId = { 1 };
            long sequence = 0;
            int[] firstOf = firstConversations(plan);
            long progress = System.nanoTime();
            for (int walked = 0; walked < plan.conversations; walked++) {
                int i = plan.order[walked];
                int c = plan.customerOf[i];
                long start = plan.startOf[i];
                while (!pending.isEmpty() && pending.peek().time <= start) {
                    writeMessage(pending.poll(), messages, nextMessageId, frequent, rare);
                }
                UUID id = conversationId(i);
                String deployment = DEPLOYMENTS[plan.slotOf[i] == 0 ? plan.homeDeployment[c] : plan.otherDeployment[c]];
                String state = plan.stateOf[i] == 2 ? "ACTIVE" : plan.stateOf[i] == 1 ? "READ_ONLY" : "CLOSED";
                long end = start + plan.durationOf[i] * 1000L;
                conversations.uuid(id).text(plan.correlated[i] ? uuid(4, i).toString() : null).text(deployment)
                        .uuid(plan.key(c).id()).uuid(sessionId(c, plan.slotOf[i])).time(start);
                if (plan.stateOf[i] == 2) {
                    conversations.nullValue();
                } else {
                    conversations.time(end);
                }
                conversations.text(state).text(plan.correlated[i] ? uuid(5, i).toString() : null).end();

                // Messages: the customer opens, a bot greets in some deployments, then agent and customer alternate.
                int n = plan.messagesOf[i];
                long lastMessageAt = end - 30_000;
                if (plan.stateOf[i] == 2) {
                    lastMessageAt = Math.min(lastMessageAt, plan.now - 60_000);
                }
                long[] times = new long[n];
                for (int k = 0; k < n; k++) {
                    times[k] = start + 2_000 + (long) (random.nextDouble() * Math.max(1, lastMessageAt - start - 2_000));
                }
                Arrays.sort(times);
                HistoryCorpus.Opening opening = corpus.opening(random);
                List<String> agents = new ArrayList<>(List.of(corpus.agent(random)));
                if (random.nextDouble() < 0.1) {
                    agents.add(corpus.agent(random));
                }
                boolean bot = random.nextDouble() < 0.3;
                boolean readOnly = plan.stateOf[i] == 1;
                Prior prior = new Prior(start, end, opening.redacted(), agents, n);
                boolean inbound = true;
                for (int k = 0; k < n; k++) {
                    String gid = genesysMessageId(i, k);
                    String time = Instant.ofEpochMilli(times[k]).toString();
                    long received = times[k] + 30 + random.nextInt(370);
                    if (k == n - 1 && readOnly) {
                        pending.add(new Pending(times[k], sequence++, prior, k, i, "Outbound", "Event", "Presence", null,
                                null, null, received, eventJson(gid, time)));
                        continue;
                    }
                    String text;
                    String sender = null;
                    String entity = null;
                    String direction;
                    if (k == 0) {
                        direction = "Inbound";
                        text = opening.raw();
                    } else if (k == 1 && bot) {
                        direction = "Outbound";
                        text = HistoryCorpus.botGreeting();
                        sender = HistoryCorpus.botName();
                        entity = "Bot";
                    } else {
                        inbound = inbound ? random.nextDouble() < 0.3 : random.nextDouble() < 0.65;
                        direction = inbound ? "Inbound" : "Outbound";
                        if (inbound) {
                            text = corpus.customerLine(random, rareChance);
                        } else {
                            sender = agents.get(agents.size() > 1 && k > n / 2 ? 1 : 0);
                            entity = "Human";
                            text = corpus.agentLine(random, rareChance);
                            prior.lastAgentOrdinal = k;
                            prior.lastAgentLine = HistoryCorpus.quote(text, 120);
                        }
                    }
                    inbound = "Inbound".equals(direction);
                    prior.text[k] = true;
                    pending.add(new Pending(times[k], sequence++, prior, k, i, direction, "Text", null, text, sender,
                            entity, received, textJson(gid, time, direction, text, sender, entity)));
                }
                prior.followUp = plan.stateOf[i] == 2 || (prior.lastAgentLine != null
                        && prior.lastAgentLine.contains("get back to you"));

                // The outbox job the archive queued with the first Inbound message, and what came of it.
                String outcome;
                String jobState = "DONE";
                Window priorsInWindow = priorsInWindow(priors[c], start);
                if (!plan.correlated[i]) {
                    jobState = "PARKED";
                    outcome = "not-found";
                } else if (plan.guest[c]) {
                    outcome = "guest";
                } else if (priorsInWindow.list.isEmpty()) {
                    outcome = "no-history";
                } else {
                    outcome = "patched";
                }
                long echo = times[0] + 200;
                long completed = echo + 400 + random.nextInt(1_600);
                int attempts = plan.correlated[i] ? 1 + (random.nextDouble() < 0.1 ? 1 : 0) : 6;
                jobs.uuid(id).text(genesysMessageId(i, 0)).time(echo).text(jobState).text(outcome).number(attempts)
                        .time(plan.correlated[i] ? echo : completed).nullValue().time(echo + 600_000).time(times[0])
                        .time(completed).text(plan.correlated[i] ? null : "message not found after the cut-off");
                if ("patched".equals(outcome)) {
                    jobs.text(hex(mix(i)) + hex(mix(i + 1L)) + hex(mix(i + 2L)) + hex(mix(i + 3L))).end();
                    summary(summaries, id, priorsInWindow.list, completed - 300);
                } else {
                    jobs.nullValue().end();
                }
                if (priors[c] == null) {
                    priors[c] = new ArrayDeque<>();
                }
                priors[c].addFirst(prior);
                if (priors[c].size() > PRIOR_CONVERSATIONS) {
                    priors[c].removeLast();
                }
                if (plan.linked[c] && firstOf[c] == i) {
                    tables.get("identity_link").number(c + 1L).uuid(id).uuid(plan.linkedGuestKey(c).id())
                            .uuid(plan.key(c).id()).uuid(linkedGuestSessionId(c)).uuid(sessionId(c, plan.slotOf[i]))
                            .time(start + 45_000).end();
                }
                if (System.nanoTime() - progress > 30_000_000_000L) {
                    progress = System.nanoTime();
                    log.accept(String.format(Locale.ROOT, "  seeding: %d of %d conversations, %d messages",
                            walked, plan.conversations, nextMessageId[0] - 1));
                }
            }
            while (!pending.isEmpty()) {
                writeMessage(pending.poll(), messages, nextMessageId, frequent, rare);
            }
            long bytes = 0;
            StringBuilder volume = new StringBuilder();
            for (CopyTable table : tables.values()) {
                table.finish();
                bytes += table.bytes();
            }
            volume.append(String.format(Locale.ROOT, "%.0f MB of COPY text", bytes / 1e6));
            return new Generated(volume.toString(), frequent[0], rare[0]);
        } finally {
            for (CopyTable table : tables.values()) {
                table.close();
            }
        }
    }

    private static final class Window {
        final List<Prior> list = new ArrayList<>();
    }

    private static Window priorsInWindow(ArrayDeque<Prior> priors, long start) {
        Window out = new Window();
        if (priors != null) {
            for (Prior p : priors) {
                if (p.start >= start - PRIOR_WINDOW) {
                    out.list.add(p);
                }
            }
        }
        return out;
    }

    private static int[] firstConversations(Plan plan) {
        int[] first = new int[plan.customers];
        Arrays.fill(first, -1);
        for (int walked = 0; walked < plan.conversations; walked++) {
            int i = plan.order[walked];
            if (first[plan.customerOf[i]] < 0) {
                first[plan.customerOf[i]] = i;
            }
        }
        return first;
    }

    private void writeCustomersAndSessions(Plan plan, Map<String, CopyTable> tables) throws Exception {
        // Per customer and deployment slot: first start, last end, and the active conversation if any.
        long[][] firstStart = new long[2][plan.customers];
        long[][] lastSeen = new long[2][plan.customers];
        int[][] active = new int[2][plan.customers];
        for (int s = 0; s < 2; s++) {
            Arrays.fill(firstStart[s], Long.MAX_VALUE);
            Arrays.fill(active[s], -1);
        }
        for (int i = 0; i < plan.conversations; i++) {
            int c = plan.customerOf[i];
            int s = plan.slotOf[i];
            firstStart[s][c] = Math.min(firstStart[s][c], plan.startOf[i]);
            lastSeen[s][c] = Math.max(lastSeen[s][c], plan.startOf[i] + plan.durationOf[i] * 1000L);
            if (plan.stateOf[i] == 2) {
                active[s][c] = i;
            }
        }
        CopyTable customers = tables.get("customer");
        CopyTable sessions = tables.get("guest_session");
        for (int c = 0; c < plan.customers; c++) {
            CustomerKey key = plan.key(c);
            long created = Math.min(firstStart[0][c], firstStart[1][c]) - 60_000;
            customers.uuid(key.id()).text(key.issuer()).text(key.subject()).time(created).end();
            for (int s = 0; s < 2; s++) {
                if (firstStart[s][c] == Long.MAX_VALUE) {
                    continue;
                }
                String deployment = DEPLOYMENTS[s == 0 ? plan.homeDeployment[c] : plan.otherDeployment[c]];
                String tokenHash = plan.guest[c] ? plan.guestTokenHash(c)
                        : s == 0 && plan.linked[c] ? plan.linkedTokenHash(c) // the thread the guest signed in on
                        : hex(mix(c * 2L + s)) + hex(mix(c * 2L + s + 7)) + hex(mix(~(c * 2L + s))) + hex(mix(c + s));
                sessions.uuid(sessionId(c, s)).text(deployment).text(tokenHash).uuid(key.id())
                        .uuid(active[s][c] >= 0 ? conversationId(active[s][c]) : null).time(firstStart[s][c])
                        .time(lastSeen[s][c]).end();
            }
            if (plan.linked[c]) {
                CustomerKey guest = plan.linkedGuestKey(c);
                customers.uuid(guest.id()).text(guest.issuer()).text(guest.subject()).time(created).end();
                sessions.uuid(linkedGuestSessionId(c)).text(DEPLOYMENTS[plan.homeDeployment[c]])
                        .text(plan.linkedTokenHash(c)).uuid(guest.id()).nullValue().time(created)
                        .time(created + 105_000).end();
            }
        }
    }

    private static void writeMessage(Pending m, CopyTable messages, long[] nextId, long[] frequent, long[] rare)
            throws Exception {
        long id = nextId[0]++;
        m.prior.ids[m.ordinal] = id;
        messages.number(id).text(genesysMessageId(m.conversation, m.ordinal)).uuid(conversationId(m.conversation))
                .text(m.direction).text(m.type).text(m.eventType).text(m.text).text(m.sender).text(m.entity)
                .time(m.time).time(m.receivedAt).text(m.original).end();
        if (m.text != null) {
            if (containsWord(m.text, HistoryCorpus.FREQUENT_TERM)) {
                frequent[0]++;
            }
            if (containsWord(m.text, HistoryCorpus.RARE_TERM)) {
                rare[0]++;
            }
        }
    }

    /** Case-insensitive whole-word match, as the 'simple' text-search parser would split these texts. */
    static boolean containsWord(String text, String word) {
        int from = 0;
        while (true) {
            int at = indexOfIgnoreCase(text, word, from);
            if (at < 0) {
                return false;
            }
            int after = at + word.length();
            if ((at == 0 || !Character.isLetterOrDigit(text.charAt(at - 1)))
                    && (after == text.length() || !Character.isLetterOrDigit(text.charAt(after)))) {
                return true;
            }
            from = at + 1;
        }
    }

    private static int indexOfIgnoreCase(String text, String word, int from) {
        for (int i = from; i <= text.length() - word.length(); i++) {
            if (text.regionMatches(true, i, word, 0, word.length())) {
                return i;
            }
        }
        return -1;
    }

    /** The summary the enrichment stored: newest prior first, each line citing the message ids it came from. */
    private static void summary(CopyTable summaries, UUID conversation, List<Prior> priors, long at) throws Exception {
        Prior last = priors.get(0);
        Prior oldest = priors.get(priors.size() - 1);
        int followUps = 0;
        StringBuilder lines = new StringBuilder("[");
        Map<String, String> attributes = new LinkedHashMap<>();
        List<String> perConversation = new ArrayList<>();
        for (Prior p : priors) {
            List<Long> textIds = new ArrayList<>();
            for (int k = 0; k < p.ids.length; k++) {
                if (p.text[k]) {
                    textIds.add(p.ids[k]);
                }
            }
            if (textIds.size() > 20) {
                List<Long> cited = new ArrayList<>(textIds.subList(0, 10));
                cited.addAll(textIds.subList(textIds.size() - 10, textIds.size()));
                textIds = cited;
            }
            String head = String.format(Locale.ROOT, "%s · %d min · %s · %d messages", DATE.format(
                    Instant.ofEpochMilli(p.start)), Math.max(1, (p.end - p.start) / 60_000), String.join(", ",
                    p.agents), p.ids.length);
            StringBuilder group = new StringBuilder(head);
            line(lines, "CONVERSATION", head, textIds);
            String opening = "Customer: \"" + HistoryCorpus.quote(p.opening, 120) + "\"";
            line(lines, "OPENING_REQUEST", opening, List.of(p.ids[0]));
            group.append(" — ").append(opening);
            if (p.lastAgentOrdinal >= 0) {
                String outcome = "Agent: \"" + HistoryCorpus.quote(p.lastAgentLine, 120) + "\"";
                line(lines, "OUTCOME", outcome, List.of(p.ids[p.lastAgentOrdinal]));
                group.append(" — ").append(outcome);
            }
            if (p.followUp) {
                followUps++;
                String followUp = "Open: the agent promised to get back to the customer";
                line(lines, "FOLLOW_UP", followUp, List.of(p.ids[Math.max(0, p.lastAgentOrdinal)]));
                group.append(" — ").append(followUp);
            }
            perConversation.add(HistoryCorpus.quote(group.toString(), 1000));
        }
        lines.setCharAt(lines.length() - 1, ']');
        String headline = String.format(Locale.ROOT, "%d prior conversation%s since %s; last %s (%s)%s", priors.size(),
                priors.size() == 1 ? "" : "s", DATE.format(Instant.ofEpochMilli(oldest.start)),
                DATE.format(Instant.ofEpochMilli(last.start)), HistoryCorpus.quote(last.opening, 60),
                followUps == 0 ? "" : "; " + followUps + " open follow-up" + (followUps == 1 ? "" : "s"));
        attributes.put("carryover.headline", headline);
        attributes.put("carryover.conversations", Integer.toString(priors.size()));
        attributes.put("carryover.lastContact", Instant.ofEpochMilli(last.end).toString());
        for (int k = 0; k < perConversation.size(); k++) {
            attributes.put("carryover.summary." + (k + 1), perConversation.get(k));
        }
        StringBuilder json = new StringBuilder("{");
        attributes.forEach((key, value) -> {
            json.append(json.length() > 1 ? "," : "");
            jsonString(key, json);
            json.append(':');
            jsonString(value, json);
        });
        json.append('}');
        summaries.uuid(conversation).text(headline).text(lines.toString()).text(json.toString()).time(at).end();
    }

    private static void line(StringBuilder lines, String kind, String text, List<Long> ids) {
        lines.append("{\"kind\":\"").append(kind).append("\",\"text\":");
        jsonString(text, lines);
        lines.append(",\"sourceMessageIds\":[");
        for (int k = 0; k < ids.size(); k++) {
            lines.append(k == 0 ? "" : ",").append(ids.get(k));
        }
        lines.append("]},");
    }

    private static String textJson(String gid, String time, String direction, String text, String sender,
            String entity) {
        StringBuilder json = new StringBuilder(text.length() + 300).append("{\"body\":{\"text\":");
        jsonString(text, json);
        json.append(",\"type\":\"Text\",\"direction\":\"").append(direction).append("\",\"id\":\"").append(gid)
                .append("\",\"channel\":{\"time\":\"").append(time).append("\",\"messageId\":\"").append(gid)
                .append("\",\"type\":\"Private\"");
        if (sender != null) {
            json.append(",\"from\":{\"nickname\":");
            jsonString(sender, json);
            json.append(",\"image\":\"https://cdn.bench.example/avatars/agent.png\"}");
        }
        json.append('}');
        if (entity != null) {
            json.append(",\"originatingEntity\":\"").append(entity).append('"');
        } else {
            json.append(",\"metadata\":{\"customMessageId\":\"").append(gid, 0, 12).append("\"}");
        }
        return json.append("},\"code\":200,\"class\":\"StructuredMessage\",\"type\":\"message\"}").toString();
    }

    private static String eventJson(String gid, String time) {
        return "{\"body\":{\"type\":\"Event\",\"direction\":\"Outbound\",\"id\":\"" + gid + "\",\"channel\":{\"time\":\""
                + time + "\",\"type\":\"Private\"},\"events\":[{\"eventType\":\"Presence\",\"presence\":{\"type\":"
                + "\"Disconnect\"}}],\"metadata\":{\"readOnly\":\"true\"}},\"code\":200,\"class\":\"StructuredMessage\","
                + "\"type\":\"message\"}";
    }

    static void jsonString(String value, StringBuilder into) {
        into.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> into.append("\\\"");
                case '\\' -> into.append("\\\\");
                case '\n' -> into.append("\\n");
                case '\r' -> into.append("\\r");
                case '\t' -> into.append("\\t");
                default -> {
                    if (c < 0x20) {
                        into.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        into.append(c);
                    }
                }
            }
        }
        into.append('"');
    }

    // ---- schema: what Flyway created, dropped for the load and recreated exactly

    /** Indexes and constraints of the seeded tables, and the foreign keys that touch them, from the catalogue. */
    record Schema(Set<String> constraints, Set<String> indexes, Set<String> foreignKeys) {

        /** Entries are "table|name|definition"; constraints as ALTER TABLE fragments, indexes as CREATE INDEX. */
        static Schema read(Connection c) throws SQLException {
            Set<String> constraints = new LinkedHashSet<>();
            Set<String> foreignKeys = new LinkedHashSet<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    select con.conrelid::regclass::text, con.conname, con.contype, pg_get_constraintdef(con.oid),
                           ref.relname
                    from pg_constraint con
                    join pg_class rel on rel.oid = con.conrelid
                    join pg_namespace n on n.oid = rel.relnamespace
                    left join pg_class ref on ref.oid = con.confrelid
                    where n.nspname = 'public' and con.contype in ('p', 'u', 'x', 'f')
                    order by 1, 2""")) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String table = rs.getString(1);
                        String entry = table + "|" + rs.getString(2) + "|" + rs.getString(4);
                        if ("f".equals(rs.getString(3))) {
                            if (TABLES.contains(table) || TABLES.contains(rs.getString(5))) {
                                foreignKeys.add(entry);
                            }
                        } else if (TABLES.contains(table)) {
                            constraints.add(entry);
                        }
                    }
                }
            }
            Set<String> indexes = new LinkedHashSet<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    select tablename, indexname, indexdef from pg_indexes
                    where schemaname = 'public' and tablename = any (?)
                      and indexname not in (select conname from pg_constraint where contype in ('p', 'u', 'x'))
                    order by 1, 2""")) {
                ps.setArray(1, c.createArrayOf("text", TABLES.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        indexes.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
                    }
                }
            }
            return new Schema(constraints, indexes, foreignKeys);
        }

        void drop(Connection c) throws SQLException {
            c.setAutoCommit(false);
            for (String fk : foreignKeys) {
                String[] p = fk.split("\\|", 3);
                c.createStatement().execute("alter table " + p[0] + " drop constraint " + quoteIdent(p[1]));
            }
            for (String index : indexes) {
                c.createStatement().execute("drop index " + quoteIdent(index.split("\\|", 3)[1]));
            }
            for (String constraint : constraints) {
                String[] p = constraint.split("\\|", 3);
                c.createStatement().execute("alter table " + p[0] + " drop constraint " + quoteIdent(p[1]));
            }
            c.commit();
            c.setAutoCommit(true);
        }

        /** Primary and unique keys first (foreign keys need them), then indexes, then foreign keys (validated). */
        void recreate(Connection c, java.util.function.ObjDoubleConsumer<String> timing) throws SQLException {
            for (String constraint : constraints) {
                String[] p = constraint.split("\\|", 3);
                long t = System.nanoTime();
                c.createStatement().execute("alter table " + p[0] + " add constraint " + quoteIdent(p[1]) + " " + p[2]);
                timing.accept(p[0] + "." + p[1], seconds(t));
            }
            for (String index : indexes) {
                String[] p = index.split("\\|", 3);
                long t = System.nanoTime();
                c.createStatement().execute(p[2]);
                timing.accept(p[0] + "." + p[1], seconds(t));
            }
            for (String fk : foreignKeys) {
                String[] p = fk.split("\\|", 3);
                long t = System.nanoTime();
                c.createStatement().execute("alter table " + p[0] + " add constraint " + quoteIdent(p[1]) + " " + p[2]);
                timing.accept(p[0] + "." + p[1], seconds(t));
            }
        }

        private static String quoteIdent(String name) {
            return "\"" + name.replace("\"", "\"\"") + "\"";
        }
    }

    /**
     * What SearchIndexer would do for the COPYs' queued ranges, in bulk: every vector, then its GIN index built once
     * (inserting ten million vectors into a live GIN index takes many times longer).
     */
    private static void indexForSearch(Connection c) throws SQLException {
        String index;
        try (ResultSet rs = c.createStatement().executeQuery(
                "select pg_get_indexdef('message_search_vector'::regclass)")) {
            rs.next();
            index = rs.getString(1);
        }
        c.createStatement().execute("drop index message_search_vector");
        c.createStatement().execute("""
                insert into message_search (message_id, vector)
                select m.id, to_tsvector(s.configuration, m.text) from message m cross join search_index s
                where m.text is not null""");
        c.createStatement().execute(index);
        c.createStatement().execute("truncate search_backlog");
        c.createStatement().execute("analyze message_search");
    }

    /** Identity columns were given explicit values by COPY: move their sequences past them. */
    private static void resetIdentities(Connection c) throws SQLException {
        List<String[]> identities = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select table_name, column_name from information_schema.columns
                where table_schema = 'public' and is_identity = 'YES' and table_name = any (?)""")) {
            ps.setArray(1, c.createArrayOf("text", TABLES.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    identities.add(new String[] { rs.getString(1), rs.getString(2) });
                }
            }
        }
        for (String[] identity : identities) {
            c.createStatement().execute(String.format("select setval(pg_get_serial_sequence('%s', '%s'), "
                    + "coalesce(max(%s), 0) + 1, false) from %s", identity[0], identity[1], identity[1], identity[0]));
        }
    }

    static Map<String, Long> counts(Connection c) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : TABLES) {
            try (ResultSet rs = c.createStatement().executeQuery("select count(*) from " + table)) {
                rs.next();
                counts.put(table, rs.getLong(1));
            }
        }
        return counts;
    }

    private static String countsJson(Map<String, Long> counts) {
        StringBuilder json = new StringBuilder("{");
        counts.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":")
                .append(v));
        return json.append('}').toString();
    }

    private static Map<String, Long> parseCounts(String json) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String pair : json.replaceAll("[{}\" ]", "").split(",")) {
            String[] kv = pair.split(":");
            counts.put(kv[0], Long.parseLong(kv[1]));
        }
        Map<String, Long> ordered = new LinkedHashMap<>();
        for (String table : TABLES) {
            ordered.put(table, counts.getOrDefault(table, -1L));
        }
        return ordered;
    }

    static boolean exists(Connection c, String table) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("select to_regclass('public." + table + "') is not null")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    static Duration elapsed(long since) {
        return Duration.ofNanos(System.nanoTime() - since);
    }
}
