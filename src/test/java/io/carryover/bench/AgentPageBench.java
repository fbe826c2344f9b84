package io.carryover.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import org.openqa.selenium.By;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.carryover.testing.Browser;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.HistorySeed.Line;

/**
 * The {@code agent-page} phase of {@code ./mvnw -B -Pbench verify -Dbench.phases=agent-page}: the sandbox-enabled
 * artefact (Carryover with the emulated Genesys, demo profile) on a fresh database seeded with one customer of
 * bench.agentPage.conversations (200) prior conversations × bench.agentPage.messages (20) messages, the agent page
 * opened in headless Chromium for that customer's new conversation, signed in as the sandbox agent on it. Measured:
 * navigation start → timeline rendered (the page's {@code carryover-timeline-rendered} performance mark, set in the
 * first animation frame after the timeline is in the DOM), median of bench.agentPage.runs (5) loads after one
 * warm-up load; target ≤ 1 s.
 */
final class AgentPageBench {

    private static final int PORT = 18097;
    private static final String DB = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String DATABASE = "bench_agent_page";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path sandboxJar;
    private final Consumer<String> out;
    private final int conversations = Integer.getInteger("bench.agentPage.conversations", 200);
    private final int messages = Integer.getInteger("bench.agentPage.messages", 20);
    private final int runs = Integer.getInteger("bench.agentPage.runs", 5);

    AgentPageBench(Path sandboxJar, Consumer<String> out) {
        this.sandboxJar = sandboxJar;
        this.out = out;
    }

    void run() throws Exception {
        Bench.recreateDatabase(DATABASE);
        String base = "http://localhost:" + PORT;
        try (ServiceProcess service = ServiceProcess.start("agent-page", sandboxJar, PORT, List.of(
                "-Dquarkus.profile=demo", "-Dcarryover.sandbox.agent-auto-reply=false",
                "-Dcarryover.sandbox.base-url=" + base, "-Dcarryover.enrich.enabled=false",
                "-Dquarkus.datasource.jdbc.url=" + DB + DATABASE));
             Browser browser = new Browser("AgentPageBench")) {
            String gid = seed(base);
            String page = base + "/agent/?conversationid=" + gid + "&gcHostOrigin=" + base + "&gcTargetEnv=sandbox";

            // Sign in once (redirect flow, the sandbox's login picker); the token stays in the session.
            browser.open(page);
            browser.await(By.cssSelector("button[name=user][value=bob]")).click();
            double first = load(browser, page, false)[0];
            List<Double> measured = new ArrayList<>();
            List<Double> context = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                double[] load = load(browser, page, true);
                measured.add(load[0]);
                context.add(load[1]);
            }
            browser.screenshot(null);
            List<Double> sorted = measured.stream().sorted().toList();
            double median = sorted.get(sorted.size() / 2);
            double contextMedian = context.stream().sorted().toList().get(context.size() / 2);
            out.accept("## Agent page: " + conversations + " prior conversations × " + messages
                    + " messages, headless Chromium on the same machine");
            out.accept("");
            out.accept(String.format(Locale.ROOT, "Navigation start → timeline rendered (%d entries): median **%.0f ms** "
                    + "of %d loads (%s ms; warm-up %.0f ms); target ≤ 1000 ms%s.", conversations, median, runs,
                    String.join(", ", measured.stream().map(ms -> String.format(Locale.ROOT, "%.0f", ms)).toList()),
                    first, median <= 1000 ? ", met" : ", NOT met"));
            out.accept(String.format(Locale.ROOT, "Of which the context request (sent → last byte, summary built on "
                    + "the server): median %.0f ms.", contextMedian));
            out.accept("");
        }
    }

    /**
     * One page load: navigation start → timeline rendered, and the context request's duration, in ms; checks that
     * every entry is on screen.
     */
    private double[] load(Browser browser, String page, boolean navigate) {
        if (navigate) {
            browser.driver().get(page);
        }
        browser.await(By.cssSelector("body[data-ready=true]"));
        Object entries = browser.driver().executeScript(
                "return document.querySelectorAll('#timeline-list > li').length");
        if (((Number) entries).intValue() != conversations) {
            throw new IllegalStateException("the timeline shows " + entries + " entries, not " + conversations);
        }
        @SuppressWarnings("unchecked")
        List<Number> times = (List<Number>) browser.driver().executeScript("""
                const context = performance.getEntriesByType('resource').find(e => e.name.includes('/context'));
                return [performance.getEntriesByName('carryover-timeline-rendered')[0].startTime,
                        context.responseEnd - context.startTime];""");
        return new double[] { times.get(0).doubleValue(), times.get(1).doubleValue() };
    }

    /** The customer's prior conversations, then the current one, on a Platform conversation the agent is on. */
    private String seed(String base) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, Object> bob = Map.of("user", "bob", "connectedTime", Instant.now().minusSeconds(60).toString());
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(
                URI.create(base + "/sandbox/api/platform/conversations"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("agents", List.of(bob)))))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 200) {
            throw new IllegalStateException("sandbox conversation: HTTP " + created.statusCode() + " " + created.body());
        }
        String gid = JSON.readTree(created.body()).path("id").asText();
        long started = System.nanoTime();
        try (Connection c = DriverManager.getConnection(DB + DATABASE, "postgres", "")) {
            UUID customer = HistorySeed.customer(c, base + "/sandbox/oidc", "bench-agent-page");
            Instant now = Instant.now();
            for (int i = conversations; i >= 1; i--) {
                HistorySeed.conversation(c, customer, HistorySeed.DEPLOYMENT, now.minus(Duration.ofDays(i)), null,
                        lines(i));
            }
            HistorySeed.conversation(c, customer, HistorySeed.DEPLOYMENT, now.minusSeconds(30), gid,
                    List.of(Line.customer("Hello again, it is about my order")));
        }
        out.accept(String.format(Locale.ROOT, "(seeded %d conversations × %d messages in %.1f s)", conversations,
                messages, (System.nanoTime() - started) / 1e9));
        return gid;
    }

    private List<Line> lines(int conversation) {
        List<Line> lines = new ArrayList<>();
        for (int m = 0; m < messages; m++) {
            lines.add(m % 2 == 0
                    ? Line.customer("Order " + (1000 + conversation) + ": message " + m + ", the parcel is late again")
                    : Line.agent("Sorry about order " + (1000 + conversation) + ", I will check with the courier"));
        }
        return lines;
    }
}
