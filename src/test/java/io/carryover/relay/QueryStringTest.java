package io.carryover.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class QueryStringTest {

    @Test
    void keysAndValuesAreDecodedAlike() {
        assertEquals("d 1/é", QueryString.parameter("deployment%49d=d+1%2F%C3%A9", "deploymentId"));
        assertEquals("x", QueryString.parameter("a=1&grant_type=x&grant_type=y", "grant_type"));
    }

    @Test
    void aKeyWithoutValueIsEmptyAndAnAbsentOneNull() {
        assertEquals("", QueryString.parameter("a&b=2", "a"));
        assertNull(QueryString.parameter("a=1", "b"));
        assertNull(QueryString.parameter(null, "b"));
    }

    @Test
    void aSemicolonIsPartOfTheValueNotASeparator() {
        assertEquals("1;b=2", QueryString.parameter("a=1;b=2", "a"));
        assertNull(QueryString.parameter("a=1;b=2", "b"));
    }

    @Test
    void aFormBodyGivesEachNameItsFirstValue() {
        assertEquals(java.util.Map.of("grant_type", "authorization_code", "code", "a b"),
                QueryString.parameters("grant_type=authorization_code&code=a+b&code=c"));
        assertEquals(java.util.Map.of(), QueryString.parameters("code=%zz"));
    }

    @Test
    void aBadEscapeIsNoValueNotAFailure() {
        assertNull(QueryString.parameter("deploymentId=%zz", "deploymentId"));
    }
}
