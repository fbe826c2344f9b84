package io.carryover.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.carryover.enrich.CustomerHistory.PriorConversation;
import io.carryover.enrich.CustomerHistory.PriorMessage;
import io.carryover.enrich.Summary.Kind;
import io.carryover.enrich.Summary.Line;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * Scores the summary against the corpus in {@code src/test/resources/summary-corpus} (its README defines "meets"):
 * each conversation goes through {@link SummaryService} with the default enrichment settings, as enrichment sends it.
 */
class SummaryCorpusTest {

    private static final Path CORPUS = Path.of("src/test/resources/summary-corpus");
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<Fixture> fixtures;
    private static SummaryService service;

    record Fixture(String name, CustomerHistory history, JsonNode expect) {
    }

    @BeforeAll
    static void load() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            fixtures = files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted()
                    .map(SummaryCorpusTest::fixture).toList();
        }
        EnrichConfig config = new SmallRyeConfigBuilder().withMapping(EnrichConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(Map.of(), "defaults", 100)).build()
                .getConfigMapping(EnrichConfig.class);
        service = new SummaryService(
                new DeterministicSummarizer(config.priorConversations(), Clock.fixed(NOW, ZoneOffset.UTC)), config);
    }

    @Test
    void atLeastNinetyPercentMeetTheirExpectation() {
        assertTrue(fixtures.size() >= 30, "the corpus has " + fixtures.size() + " fixtures, fewer than 30");
        StringBuilder table = new StringBuilder(String.format("%n%-42s %-6s %s%n", "fixture", "meets", "misses"));
        int met = 0;
        for (Fixture fixture : fixtures) {
            List<String> misses = misses(fixture, summarize(fixture));
            if (misses.isEmpty()) {
                met++;
            }
            table.append(String.format("%-42s %-6s %s%n", fixture.name(), misses.isEmpty() ? "yes" : "NO",
                    String.join("; ", misses)));
        }
        table.append(String.format("%d/%d meet%n", met, fixtures.size()));
        System.out.print(table);
        int required = (fixtures.size() * 9 + 9) / 10;
        assertTrue(met >= required, met + "/" + fixtures.size() + " meet, " + required + " required:" + table);
    }

    /** Personal data is not scored: a single leak fails. */
    @Test
    void noFixtureLeaksPersonalData() {
        List<String> leaks = new ArrayList<>();
        for (Fixture fixture : fixtures) {
            String everything = everything(summarize(fixture));
            for (JsonNode value : fixture.expect().path("redacted")) {
                if (contains(everything, value.asText())) {
                    leaks.add(fixture.name() + ": " + value.asText());
                }
            }
        }
        assertEquals(List.of(), leaks);
    }

    /** The corpus exercises what the summary must handle, so a trimmed corpus cannot pass unnoticed. */
    @Test
    void corpusCoversTheHardCases() {
        assertTrue(fixtures.stream().anyMatch(f -> messages(f) >= 60), "a conversation of 60+ messages");
        assertTrue(fixtures.stream().anyMatch(f -> messages(f) <= 2), "a conversation of 1-2 messages");
        assertTrue(fixtures.stream().filter(f -> f.expect().has("redacted")).count() >= 3, "personal data");
        assertTrue(fixtures.stream().filter(f -> f.name().startsWith("language-")).count() >= 3, "language switches");
    }

    private static int messages(Fixture fixture) {
        return (int) fixture.history().conversations().get(0).messages().stream().filter(m -> m.text() != null)
                .count();
    }

    private static Summary summarize(Fixture fixture) {
        return service.redactedSummary(fixture.history());
    }

    /** What the fixture expects and the summary does not give, as short reasons for the table. */
    static List<String> misses(Fixture fixture, Summary summary) {
        List<String> misses = new ArrayList<>();
        JsonNode expect = fixture.expect();
        Map<String, String> places = Map.of("headline", summary.headline(),
                "outcome", lineText(summary, Kind.OUTCOME), "followUp", lineText(summary, Kind.FOLLOW_UP),
                "anywhere", everything(summary));
        for (String place : List.of("headline", "outcome", "followUp")) {
            if (!expect.has(place)) {
                continue;
            }
            String text = places.get(place);
            if (expect.get(place).isNull()) {
                if (!text.isEmpty()) {
                    misses.add(place + " should be absent, was \"" + text + "\"");
                }
                continue;
            }
            for (JsonNode phrase : expect.get(place)) {
                if (!contains(text, phrase.asText())) {
                    misses.add(place + " lacks \"" + phrase.asText() + "\" in \"" + text + "\"");
                }
            }
        }
        expect.path("not").fields().forEachRemaining(entry -> {
            for (JsonNode phrase : entry.getValue()) {
                if (contains(places.get(entry.getKey()), phrase.asText())) {
                    misses.add(entry.getKey() + " has \"" + phrase.asText() + "\"");
                }
            }
        });
        return misses;
    }

    private static String lineText(Summary summary, Kind kind) {
        return summary.lines().stream().filter(l -> l.kind() == kind).map(Line::text).findFirst().orElse("");
    }

    private static String everything(Summary summary) {
        StringBuilder all = new StringBuilder(summary.headline());
        summary.lines().forEach(line -> all.append('\n').append(line.text()));
        return all.toString();
    }

    private static boolean contains(String text, String phrase) {
        return text != null && text.toLowerCase(Locale.ROOT).contains(phrase.toLowerCase(Locale.ROOT));
    }

    private static Fixture fixture(Path file) {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            Instant start = Instant.parse(root.get("start").asText());
            List<PriorMessage> messages = new ArrayList<>();
            long id = 1;
            for (JsonNode m : root.get("messages")) {
                messages.add(message(id++, m, start.plusSeconds(m.get("s").asLong())));
            }
            String name = file.getFileName().toString().replaceFirst("\\.json$", "");
            PriorConversation conversation = new PriorConversation(UUID.nameUUIDFromBytes(name.getBytes()), start,
                    null, root.get("state").asText(), List.copyOf(messages));
            return new Fixture(name, new CustomerHistory(List.of(conversation)), root.get("expect"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("unreadable fixture " + file, e);
        }
    }

    private static PriorMessage message(long id, JsonNode m, Instant at) {
        String text = m.path("text").asText(null);
        String name = m.path("name").asText(null);
        return switch (m.get("from").asText()) {
            case "customer" -> new PriorMessage(id, "Inbound", "Text", null, text, null, null, at);
            case "agent", "auto" -> new PriorMessage(id, "Outbound", "Text", null, text, name, "Human", at);
            case "bot" -> new PriorMessage(id, "Outbound", "Text", null, text, name, "Bot", at);
            case "event" -> new PriorMessage(id, "Outbound", "Event", m.get("event").asText(), null, null, null, at);
            default -> throw new IllegalArgumentException("unknown sender kind " + m.get("from"));
        };
    }
}
