package io.carryover.history;

import java.util.List;

/** Every list the History API returns: {@code {"items": [...], "nextCursor": ...}}; no next page: null. */
public record Page<T>(List<T> items, String nextCursor) {
}
