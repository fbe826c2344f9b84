package io.carryover.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** A customer key is its issuer and subject; its database id is derived from both, the same in every process. */
class CustomerKeyTest {

    @Test
    void theIdIsDerivedFromIssuerAndSubjectAndStaysTheSame() {
        CustomerKey key = new CustomerKey("https://idp.example", "alice");
        UUID expected = UUID.nameUUIDFromBytes("customer\nhttps://idp.example\nalice".getBytes(StandardCharsets.UTF_8));
        assertEquals(expected, key.id());
        assertEquals(expected, key.id(), "asked again");
        assertEquals(expected, new CustomerKey("https://idp.example", "alice").id());
    }

    @Test
    void keysAreEqualByIssuerAndSubjectOnly() {
        CustomerKey asked = new CustomerKey("https://idp.example", "alice");
        asked.id();
        CustomerKey fresh = new CustomerKey("https://idp.example", "alice");
        assertEquals(asked, fresh);
        assertEquals(asked.hashCode(), fresh.hashCode());
        assertNotEquals(asked, new CustomerKey("https://idp.example", "bob"));
        assertNotEquals(asked, new CustomerKey("https://other.example", "alice"));
        assertNotEquals(asked.id(), new CustomerKey("https://idp.example", "bob").id());
    }
}
