package io.carryover.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** A message's channel time is read exactly as {@link Instant#parse} reads it, whichever way it is read. */
class ChannelTimeTest {

    @Test
    void everyShapeReadsAsInstantParseReadsIt() {
        List<String> values = new ArrayList<>(List.of(
                "2026-12-07T18:00:00.123Z", "2026-12-07T18:00:00Z", "2026-12-07T18:00:00.1Z",
                "2026-12-07T18:00:00.123456789Z", "2026-12-07T18:00:00.1234567890Z", "2026-12-07T18:00:00.Z",
                "2024-02-29T23:59:59.999Z", "2023-02-29T10:00:00Z", "2026-04-31T10:00:00Z", "2026-13-01T10:00:00Z",
                "2026-00-10T10:00:00Z", "2026-12-00T10:00:00Z", "2026-12-07T24:00:00Z", "2026-12-07T23:60:00Z",
                "2026-12-31T23:59:60Z", "2026-12-07T18:00:00.123+01:00", "2026-12-07T18:00:00.123z",
                "2026-12-07t18:00:00Z", "2026-12-07 18:00:00Z", "2026-12-07T18:00:00", "+2026-12-07T18:00:00Z",
                "12026-12-07T18:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
                "2026-12-07T18:00:00.12a4Z", "2026-1２-07T18:00:00Z", "٢٠٢٦-12-07T18:00:00Z", "2026-12-07T18:00:00.-1Z",
                "2026-12-07T18:00:00,123Z", "2026-12-07T-1:00:00Z", "", "Z", "not a time"));
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            String fraction = switch (random.nextInt(4)) {
                case 0 -> "";
                case 1 -> "." + String.format("%03d", random.nextInt(1000));
                case 2 -> "." + String.format("%09d", random.nextInt(1_000_000_000));
                default -> "." + String.format("%0" + (1 + random.nextInt(9)) + "d", 0).replace('0',
                        (char) ('0' + random.nextInt(10)));
            };
            values.add(String.format("%04d-%02d-%02dT%02d:%02d:%02d%sZ", random.nextInt(10_000), random.nextInt(14),
                    random.nextInt(33), random.nextInt(25), random.nextInt(61), random.nextInt(61), fraction));
        }
        for (String value : values) {
            assertEquals(reference(value), GuestProtocol.time(value), value);
        }
    }

    private static Instant reference(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
