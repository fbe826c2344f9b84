package io.carryover.sandbox;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.carryover.testing.GuestSchema;

/** The shared schema checker must actually reject what Genesys would not send (plain unit test). */
class GuestSchemaTest {

    @Test
    void acceptsWellFormedFrames() {
        GuestSchema.assertValidServerFrame("""
                {"type":"response","class":"SessionResponse","code":200,"body":{"connected":true,"newSession":true}}""");
        GuestSchema.assertValidServerFrame("""
                {"type":"response","class":"string","code":4007,"body":"Session not found","tracingId":"t"}""");
        GuestSchema.assertValidServerFrame("""
                {"type":"message","class":"StructuredMessage","code":200,"body":{"id":"a","type":"Text",
                 "direction":"Outbound","text":"hi","originatingEntity":"Bot","channel":{"time":"x","type":"Private"}}}""");
        GuestSchema.assertValidClientRequest("""
                {"action":"onMessage","token":"t","message":{"type":"Text","text":"hi"}}""");
    }

    @Test
    void rejectsBrokenFrames() {
        // envelope: unknown class, missing code
        assertThrows(AssertionError.class, () -> GuestSchema.assertValidServerFrame("""
                {"type":"response","class":"Nope","code":200,"body":{}}"""));
        assertThrows(AssertionError.class, () -> GuestSchema.assertValidServerFrame("""
                {"type":"response","class":"SessionExpiredEvent","body":{}}"""));
        // bodies
        assertThrows(AssertionError.class, () -> GuestSchema.assertValidServerFrame("""
                {"type":"response","class":"SessionResponse","code":200,"body":{"newSession":true}}"""));
        assertThrows(AssertionError.class, () -> GuestSchema.assertValidServerFrame("""
                {"type":"response","class":"TooManyRequestsErrorMessage","code":429,
                 "body":{"errorCode":4029,"errorMessage":"slow down","retryAfter":1}}"""));
        assertThrows(AssertionError.class, () -> GuestSchema.assertValidServerFrame("""
                {"type":"message","class":"StructuredMessage","code":200,"body":{"type":"Text","direction":"Sideways"}}"""));
        assertThrows(AssertionError.class, () -> GuestSchema.assertValidServerFrame("""
                {"type":"message","class":"StructuredMessage","code":200,
                 "body":{"type":"Text","originatingEntity":"Robot"}}"""));
        // class "string" needs a text body
        assertThrows(AssertionError.class, () -> GuestSchema.assertValidServerFrame("""
                {"type":"response","class":"string","code":400,"body":{}}"""));
    }

    @Test
    void rejectsBrokenRequests() {
        assertThrows(AssertionError.class, () -> GuestSchema.assertValidClientRequest("""
                {"action":"configureSession","token":"t"}"""));
        assertThrows(AssertionError.class, () -> GuestSchema.assertValidClientRequest("""
                {"action":"configureAuthenticatedSession","token":"t","deploymentId":"d"}"""));
        assertThrows(AssertionError.class, () -> GuestSchema.assertValidClientRequest("""
                {"action":"onMessage","token":"t","message":{"type":"Shout"}}"""));
        assertThrows(AssertionError.class, () -> GuestSchema.assertValidClientRequest("""
                {"action":"dance","token":"t"}"""));
    }
}
