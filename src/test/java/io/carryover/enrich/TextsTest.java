package io.carryover.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class TextsTest {

    @Test
    void shortTextIsUntouched() {
        assertEquals("short", Texts.truncate("short", 10));
        assertNull(Texts.truncate(null, 10));
    }

    @Test
    void cutsBetweenWordsAndAddsAnEllipsis() {
        assertEquals("the quick brown…", Texts.truncate("the quick brown fox jumps", 18));
        assertEquals("the quick…", Texts.truncate("the quick, brown fox", 12));
    }

    @Test
    void aSingleLongWordIsCutHard() {
        assertEquals("abcdefghi…", Texts.truncate("abcdefghijklmnopqrstuvwxyz", 10));
    }

    @Test
    void neverSplitsASurrogatePair() {
        String text = "😀".repeat(10);
        String cut = Texts.truncate(text, 6);
        assertEquals("😀😀…", cut);
    }

    @Test
    void numbersAreKeptWholeOrDropped() {
        // a cut inside the card's groups would leave digits the redactor no longer recognises
        assertEquals("card…", Texts.truncate("card 4111 1111 1111 1111 please", 20));
        assertEquals("iban…", Texts.truncate("iban DE89 3704 0044 0532 0130 00", 25));
        assertEquals("mail…", Texts.truncate("mail jane.doe.with.a.long.address@example.com", 20));
        assertEquals("order 12345 is…", Texts.truncate("order 12345 is late, really", 18));
    }

    @Test
    void tinyLimits() {
        assertEquals("…", Texts.truncate("abc def", 1));
        assertEquals("", Texts.truncate("abc def", 0));
    }

    @Test
    void oneLine() {
        assertEquals("a b c", Texts.oneLine("  a\n\n b\t c "));
        assertEquals("", Texts.oneLine(null));
    }
}
