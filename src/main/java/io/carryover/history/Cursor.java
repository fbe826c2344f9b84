package io.carryover.history;

import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Keyset cursors: the sort key of the last item returned, as opaque base64url JSON tagged with the list it belongs
 * to. A cursor that does not decode, or belongs to another list, is a 400 {@code invalid-cursor}, never a 500. A
 * cursor only says where to continue: what the caller may see is decided again on every page.
 */
public final class Cursor {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LENGTH = 1024;

    private Cursor() {
    }

    public static String encode(String list, List<String> key) {
        try {
            byte[] json = JSON.writeValueAsBytes(new Wire(list, key));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(json);
        } catch (Exception e) {
            throw new IllegalStateException("cursor is not serialisable", e);
        }
    }

    /** The key of a cursor made by {@link #encode} for {@code list}; null cursor: null (first page). */
    public static List<String> decode(String list, String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            if (cursor.length() > MAX_LENGTH) {
                throw new IllegalArgumentException("too long");
            }
            Wire wire = JSON.readValue(Base64.getUrlDecoder().decode(cursor), new TypeReference<Wire>() {
            });
            if (!list.equals(wire.list()) || wire.key() == null || wire.key().contains(null)) {
                throw new IllegalArgumentException("another list's cursor");
            }
            return wire.key();
        } catch (Exception e) {
            throw ApiProblem.badRequest("invalid-cursor", "cursor is not one this list returned");
        }
    }

    private record Wire(String list, List<String> key) {
    }
}
