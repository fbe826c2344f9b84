package io.carryover.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class GuestProtocolTest {

    @Test
    void configureSessionIsAGuestConfigure() throws Exception {
        var request = GuestProtocol.parseClient("""
                {"action":"configureSession","deploymentId":"d-1","token":"t-1","startNew":false}""");
        var configure = assertInstanceOf(ClientRequest.Configure.class, request);
        assertEquals("t-1", configure.token());
        assertEquals("d-1", configure.deploymentId());
        assertFalse(configure.authenticated());
        assertFalse(configure.startNew());
    }

    @Test
    void configureAuthenticatedSessionCarriesStartNew() throws Exception {
        var configure = assertInstanceOf(ClientRequest.Configure.class, GuestProtocol.parseClient("""
                {"action":"configureAuthenticatedSession","deploymentId":"d","token":"t","startNew":true,
                 "data":{"code":"genesys-jwt"}}"""));
        assertTrue(configure.authenticated());
        assertTrue(configure.startNew());
    }

    @Test
    void otherActionsAreNamed() throws Exception {
        var other = assertInstanceOf(ClientRequest.Other.class, GuestProtocol.parseClient("""
                {"action":"onMessage","token":"t","message":{"type":"Text","text":"hi"}}"""));
        assertEquals("onMessage", other.action());
    }

    @Test
    void malformedClientFramesAreRejected() {
        assertThrows(MalformedFrameException.class, () -> GuestProtocol.parseClient("not json"));
        assertThrows(MalformedFrameException.class, () -> GuestProtocol.parseClient("[1,2]"));
        assertThrows(MalformedFrameException.class, () -> GuestProtocol.parseClient("{\"token\":\"t\"}"));
        assertThrows(MalformedFrameException.class,
                () -> GuestProtocol.parseClient("{\"action\":\"configureSession\",\"deploymentId\":\"d\"}"));
    }

    @Test
    void sessionResponseFlags() throws Exception {
        var response = assertInstanceOf(ServerEvent.SessionResponse.class, GuestProtocol.parseServer("""
                {"type":"response","class":"SessionResponse","code":200,
                 "body":{"connected":true,"newSession":false,"readOnly":true}}"""));
        assertTrue(response.connected());
        assertFalse(response.newSession());
        assertTrue(response.readOnly());
    }

    @Test
    void inboundEchoIsAMessageWithIdAndTime() throws Exception {
        String frame = """
                {"type":"message","class":"StructuredMessage","code":200,"tracingId":"tr",
                 "body":{"id":"5d1c6a3e-0000-4000-8000-000000000001","type":"Text","direction":"Inbound","text":"Hi",
                         "channel":{"time":"2025-01-01T10:00:00.000Z","messageId":"x"},"metadata":{"correlationId":"c"}}}""";
        var message = assertInstanceOf(ServerEvent.Message.class, GuestProtocol.parseServer(frame));
        assertEquals("5d1c6a3e-0000-4000-8000-000000000001", message.id());
        assertEquals("Inbound", message.direction());
        assertEquals("Text", message.messageType());
        assertEquals("Hi", message.text());
        assertEquals(Instant.parse("2025-01-01T10:00:00Z"), message.channelTime());
        assertEquals(frame, message.original());
        assertFalse(message.endsInReadOnly());
    }

    @Test
    void agentReplyCarriesSenderAndOriginatingEntity() throws Exception {
        var message = assertInstanceOf(ServerEvent.Message.class, GuestProtocol.parseServer("""
                {"type":"message","class":"StructuredMessage","code":200,
                 "body":{"id":"0123456789abcdef0123456789abcdef","type":"Text","direction":"Outbound","text":"Hello!",
                         "originatingEntity":"Human","channel":{"time":"2025-01-01T10:00:01.000Z","type":"Private",
                         "from":{"nickname":"Agent Smith"}}}}"""));
        assertEquals("Agent Smith", message.senderName());
        assertEquals("Human", message.originatingEntity());
        assertEquals("Outbound", message.direction());
    }

    @Test
    void signInEventNamesTheCustomerByFirstAndLastName() throws Exception {
        var message = assertInstanceOf(ServerEvent.Message.class, GuestProtocol.parseServer("""
                {"type":"message","class":"StructuredMessage","code":200,
                 "body":{"id":"i","type":"Event","direction":"Inbound","channel":{"time":"2025-01-01T10:00:00Z",
                         "from":{"firstName":"Ada","lastName":"Lovelace"}},
                         "events":[{"eventType":"Presence","presence":{"type":"SignIn"}}]}}"""));
        assertEquals("Ada Lovelace", message.senderName());
        assertEquals("Presence:SignIn", message.eventType());
    }

    @Test
    void readOnlyDisconnectEndsTheConversation() throws Exception {
        var message = assertInstanceOf(ServerEvent.Message.class, GuestProtocol.parseServer("""
                {"type":"message","class":"StructuredMessage","code":200,
                 "body":{"id":"d","type":"Event","direction":"Outbound","channel":{"time":"2025-01-01T10:05:00.000Z"},
                         "metadata":{"readOnly":"true"},
                         "events":[{"eventType":"Presence","presence":{"type":"Disconnect"}}]}}"""));
        assertEquals("Presence:Disconnect", message.eventType());
        assertTrue(message.endsInReadOnly());
    }

    @Test
    void typingIsRecognisedSoItIsNotArchived() throws Exception {
        var message = assertInstanceOf(ServerEvent.Message.class, GuestProtocol.parseServer("""
                {"type":"message","class":"StructuredMessage","code":200,
                 "body":{"id":"t","type":"Event","direction":"Outbound",
                         "events":[{"eventType":"Typing","typing":{"type":"On","duration":5000}}]}}"""));
        assertTrue(message.isTyping());
        assertNull(message.channelTime());
    }

    @Test
    void echoHealthCheckRepliesAreIgnored() throws Exception {
        assertInstanceOf(ServerEvent.Ignored.class, GuestProtocol.parseServer("""
                {"type":"response","class":"StructuredMessage","code":200,"tracingId":"SGVhbHRoQ2hlY2tNZXNzYWdlSWQ=",
                 "body":{"type":"Text","direction":"Inbound","text":"ping"}}"""));
    }

    @Test
    void sessionNotices() throws Exception {
        assertEquals(ServerEvent.SessionNotice.Kind.SESSION_EXPIRED, notice("SessionExpiredEvent"));
        assertEquals(ServerEvent.SessionNotice.Kind.SESSION_CLEARED, notice("SessionClearedEvent"));
        assertEquals(ServerEvent.SessionNotice.Kind.CONNECTION_CLOSED, notice("ConnectionClosedEvent"));
        assertEquals(ServerEvent.SessionNotice.Kind.LOGOUT, notice("LogoutEvent"));
    }

    @Test
    void errorsCarryTheirCode() throws Exception {
        var error = assertInstanceOf(ServerEvent.Error.class, GuestProtocol.parseServer("""
                {"type":"response","class":"string","code":4007,"body":"session not found"}"""));
        assertEquals(4007, error.code());
        var tooMany = assertInstanceOf(ServerEvent.Error.class, GuestProtocol.parseServer("""
                {"type":"response","class":"TooManyRequestsErrorMessage","code":429,
                 "body":{"retryAfter":3,"errorCode":4029,"errorMessage":"Message rate too high for this session"}}"""));
        assertEquals(429, tooMany.code());
    }

    @Test
    void otherClassesAreIgnored() throws Exception {
        assertInstanceOf(ServerEvent.Ignored.class, GuestProtocol.parseServer("""
                {"type":"response","class":"JwtResponse","code":200,"body":{"jwt":"j","exp":1}}"""));
    }

    @Test
    void malformedServerFramesAreRejected() {
        assertThrows(MalformedFrameException.class, () -> GuestProtocol.parseServer("{"));
        assertThrows(MalformedFrameException.class, () -> GuestProtocol.parseServer("{\"type\":\"message\"}"));
        assertThrows(MalformedFrameException.class, () -> GuestProtocol.parseServer("""
                {"type":"message","class":"StructuredMessage","code":200,"body":"x"}"""));
    }

    private static ServerEvent.SessionNotice.Kind notice(String frameClass) throws Exception {
        return assertInstanceOf(ServerEvent.SessionNotice.class, GuestProtocol.parseServer(
                "{\"type\":\"message\",\"class\":\"" + frameClass + "\",\"code\":200,\"body\":{}}")).kind();
    }
}
