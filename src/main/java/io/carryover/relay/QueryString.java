package io.carryover.relay;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

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
        return parameters(text).get(name);
    }

    /** Every parameter's first value, decoded as {@link #parameter} does; empty when the text is null or malformed. */
    public static Map<String, String> parameters(String text) {
        Map<String, String> first = new LinkedHashMap<>();
        if (text == null) {
            return first;
        }
        try {
            QueryStringDecoder.builder().hasPath(false).charset(StandardCharsets.UTF_8).semicolonIsNormalChar(true)
                    .build(text).parameters().forEach((name, values) -> {
                        if (!values.isEmpty()) {
                            first.put(name, values.get(0));
                        }
                    });
            return first;
        } catch (IllegalArgumentException e) {
            return Map.of();
        }
    }
}
