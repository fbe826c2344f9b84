package io.carryover.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RedactorTest {

    private final Redactor redactor = new Redactor();

    @Test
    void nullAndEmptyPassThrough() {
        assertNull(redactor.redact((String) null));
        assertEquals("", redactor.redact(""));
        assertNull(redactor.redact((Summary) null));
        assertEquals("Nothing personal here.", redactor.redact("Nothing personal here."));
    }

    // --- cards

    @ParameterizedTest
    @ValueSource(strings = { "4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "5500 0000 0000 0004",
            "3782 822463 10005", "6011000990139424", "4222222222222", "6304000000000000000" })
    void luhnValidCardsAreRedacted(String card) {
        assertEquals("my card is [card], thanks", redactor.redact("my card is " + card + ", thanks"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "4111111111111112", "1234567812345678", "0000000000000000000000" })
    void luhnInvalidDigitRunsAreNotCards(String digits) {
        String text = "reference " + digits + " please";
        assertFalse(redactor.redact(text).contains(Redactor.CARD), redactor.redact(text));
    }

    @Test
    void groupedLuhnInvalidNumberIsNotACardButTooLongToLeaveHalfShown() {
        assertEquals("ref 4111111111111112", redactor.redact("ref 4111111111111112"));
        assertEquals("ref [phone]", redactor.redact("ref 4111 1111 1111 1112"));
    }

    @Test
    void cardNextToOtherNumbers() {
        assertEquals("on 2025-01-01 [card] was charged",
                redactor.redact("on 2025-01-01 4111 1111 1111 1111 was charged"));
        assertEquals("card [card] cvv 123", redactor.redact("card 4111111111111111 cvv 123"));
        assertEquals("cards [card] and [card].", redactor.redact("cards 4111111111111111 and 5500-0000-0000-0004."));
    }

    @Test
    void luhnCheck() {
        assertTrue(Redactor.luhnValid("79927398713"));
        assertFalse(Redactor.luhnValid("79927398710"));
    }

    // --- IBANs

    @ParameterizedTest
    @ValueSource(strings = { "DE89370400440532013000", "DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32",
            "NL91ABNA0417164300", "FR14 2004 1010 0505 0001 3M02 606", "de89 3704 0044 0532 0130 00",
            "MT84 MALT 0110 0001 2345 MTLC AST0 01S" })
    void validIbansAreRedacted(String iban) {
        assertEquals("pay to [iban] today", redactor.redact("pay to " + iban + " today"));
    }

    @Test
    void ibanAtTheEndOfASentence() {
        assertEquals("IBAN: [iban].", redactor.redact("IBAN: DE89 3704 0044 0532 0130 00."));
        assertEquals("[iban]", redactor.redact("GB82WEST12345698765432"));
    }

    @Test
    void ibanWithBadChecksumIsNotAnIban() {
        String redacted = redactor.redact("pay to DE88 3704 0044 0532 0130 00 today");
        assertFalse(redacted.contains(Redactor.IBAN), redacted);
        assertFalse(redactor.redact("GB83WEST12345698765432").contains(Redactor.IBAN));
    }

    @Test
    void ibanChecksum() {
        assertTrue(Redactor.ibanChecksumValid("DE89370400440532013000"));
        assertFalse(Redactor.ibanChecksumValid("DE89370400440532013001"));
        assertFalse(Redactor.ibanChecksumValid("AT12THEOFFICEDOWNTOWN"));
    }

    // --- e-mail

    @Test
    void emailAddressesInText() {
        assertEquals("write to [email] or [email].",
                redactor.redact("write to jane.doe+orders@example.co.uk or J_Smith99@mail.example.com."));
        assertEquals("([email])", redactor.redact("(müller@beispiel.de)"));
        assertEquals("ping @support on twitter", redactor.redact("ping @support on twitter"));
        assertEquals("not@an-address", redactor.redact("not@an-address"));
    }

    // --- phones

    @ParameterizedTest
    @ValueSource(strings = { "+44 20 7946 0958", "+1 (415) 555-2671", "+1-415-555-2671", "+4915112345678",
            "+33.1.23.45.67.89", "(555) 123-4567", "555.123.4567", "0612345678", "06-12345678", "030/12345678",
            "020 7946 0958", "+44 (0)20 7946 0958", "555-1234567", "0044 20 7946 0958" })
    void phoneNumbersAreRedacted(String phone) {
        assertEquals("call me on [phone] after lunch", redactor.redact("call me on " + phone + " after lunch"));
    }

    @Test
    void phoneNumbersInPunctuation() {
        assertEquals("Phone:[phone].", redactor.redact("Phone:0612345678."));
        assertEquals("tel:[phone]", redactor.redact("tel:+4915112345678"));
        assertEquals("numbers: [phone], [phone]", redactor.redact("numbers: 0612345678, +44 20 7946 0958"));
    }

    @Test
    void twoNumbersSeparatedOnlyBySpacesAreBothRedacted() {
        assertEquals("[phone] [phone]", redactor.redact("+44 20 7946 0958 0612345678"));
        assertEquals("on 05/2025 [phone]", redactor.redact("on 05/2025 0612345678"));
        assertEquals("[phone] 4111111111111112", redactor.redact("0612345678 4111111111111112"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "2025-01-01", "2025-01-01T10:00:00Z", "01.02.2025", "12/05/2025", "1-2-25", "10:30",
            "10:30:45", "order 123456", "#654321", "$1,234,567.89", "€ 1234567", "1 234,50 €", "3.14159265",
            "1234567.89", "version 1.2.3", "call 112", "room 101 at 10.30", "2025-01-01 10:30", "12/05/2025 10:30" })
    void datesTimesAmountsAndShortNumbersAreKept(String text) {
        assertEquals(text, redactor.redact(text));
    }

    // --- extra patterns and order

    @Test
    void extraPatternsRunAfterTheBuiltIns() {
        Redactor custom = new Redactor(List.of("ACC-\\d{6}", "(?i)secret\\s+\\w+"));
        assertEquals("account [redacted], [redacted], mail [email]",
                custom.redact("account ACC-123456, Secret sauce, mail a@b.io"));
        assertEquals("[card]", custom.redact("4111111111111111"));
    }

    @Test
    void extraPatternMatchingNothingDoesNoHarm() {
        assertEquals("abc [redacted]", new Redactor(List.of("x*")).redact("abc xx"));
    }

    @Test
    void invalidExtraPatternFailsFast() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Redactor(List.of("ok", "(unclosed")));
        assertTrue(e.getMessage().contains("#2"), e.getMessage());
    }

    @Test
    void everythingTogether() {
        String text = "Hi, I'm jane@example.com, card 4111 1111 1111 1111, IBAN DE89370400440532013000, "
                + "phone +31 6 12345678. Order 123456 on 2025-01-01 at 10:30 for €49.99.";
        assertEquals("Hi, I'm [email], card [card], IBAN [iban], phone [phone]. Order 123456 on 2025-01-01 at 10:30 "
                + "for €49.99.", redactor.redact(text));
    }

    @Test
    void summaryTextIsRedactedAndIdsKept() {
        Summary.Totals totals = new Summary.Totals(1, 2, Instant.EPOCH, Instant.EPOCH);
        Summary summary = new Summary("1 prior conversation (refund to DE89370400440532013000)",
                List.of(new Summary.Line(Summary.Kind.OPENING_REQUEST, "mail me at jane@example.com", List.of(7L, 9L))),
                totals);
        Summary redacted = redactor.redact(summary);
        assertEquals("1 prior conversation (refund to [iban])", redacted.headline());
        assertEquals("mail me at [email]", redacted.lines().get(0).text());
        assertEquals(List.of(7L, 9L), redacted.lines().get(0).sourceMessageIds());
        assertEquals(Summary.Kind.OPENING_REQUEST, redacted.lines().get(0).kind());
        assertEquals(totals, redacted.totals());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "4111 1111 1111 1111 expires 12/27|[card] expires 12/27",
            "iban GB82 WEST 1234 5698 7654 32 and card 5500000000000004|iban [iban] and card [card]" })
    void mixedLines(String in, String out) {
        assertEquals(out, redactor.redact(in));
    }

    @Test
    void longInputIsFast() {
        String text = "1".repeat(20_000) + " " + "a".repeat(20_000) + "@" + " 1-".repeat(5_000);
        long start = System.nanoTime();
        redactor.redact(text);
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "pathological input took too long");
    }
}
