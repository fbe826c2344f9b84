package io.carryover.relay;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.handler.codec.http.QueryStringDecoder;

/** The one reader of {@code application/x-www-form-urlencoded} text (URL queries, form bodies) in Carryover. */
public final class QueryString {

    private QueryString() {
    }

    /**
     * The first value of a parameter, keys and values percent-decoded ('+' is a space); "" for a key without '=';
     * null when absent or when the text is malformed (a bad %-escape is no value, not an error).
     */
    public static String parameter(String text, String name) {
        if (text == null) {
            return null;
        }
        try {
            List<String> values = QueryStringDecoder.builder()
                    .hasPath(false)
                    .charset(StandardCharsets.UTF_8)
                    .semicolonIsNormalChar(true)
                    .build(text)
                    .parameters()
                    .get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
