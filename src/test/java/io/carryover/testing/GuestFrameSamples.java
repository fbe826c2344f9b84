package io.carryover.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One server frame per {@code MessageDataType} of the guest schema, written with the quirks a re-serialising proxy
 * would lose: unusual key order, spacing and line breaks, escaped and non-ASCII text, numbers as sent.
 */
public final class GuestFrameSamples {

    private GuestFrameSamples() {
    }

    public static Map<String, String> byClass() {
        Map<String, String> frames = new LinkedHashMap<>();
        frames.put("string", """
                {"type":"response","class":"string","code":4007,"body":"Session not found","tracingId":"t-1"}""");
        frames.put("SessionResponse", """
                {"type":"response", "class":"SessionResponse","code":200,"body":{"connected":true,"newSession":true,\
                "readOnly":false,"maxCustomDataBytes":2048.0,"clearedExistingSession":false,\
                "allowedMedia":{"inbound":{"fileTypes":[{"type":"image/png"}],"maxFileSizeKB":10240}},\
                "blockedExtensions":[".exe"],"durationSeconds":259200,"expirationDate":1.7e9},"tracingId":"t-2"}""");
        frames.put("StructuredMessage", """
                {"body":{"text":"Grüße — \\"quoted\\" \\u00e9 \\ud83d\\ude00 emoji 😀\\n2nd line","type":"Text",\
                "direction":"Outbound","id":"0123456789abcdef0123456789abcdef","originatingEntity":"Human",\
                "channel":{"time":"2025-01-01T10:00:00.000Z","type":"Private","from":{"nickname":"Agent Smith",\
                "image":"https://example.com/a.png"}}},"code":200,"class":"StructuredMessage","type":"message"}""");
        frames.put("PresignedUrlResponse", """
                {"type":"response","class":"PresignedUrlResponse","code":200,"body":{"attachmentId":"a-1",\
                "url":"https://uploads.example.com/a-1?sig=abc%2Fdef","headers":{"x-amz-tagging":"abc"},\
                "fileName":"receipt.png","fileSize":1234,"fileType":"image/png"}}""");
        frames.put("AttachmentDeletedResponse", """
                {"type":"message","class":"AttachmentDeletedResponse","code":200,"body":{"attachmentId":"a-1"}}""");
        frames.put("UploadFailureEvent", """
                {"type":"message","class":"UploadFailureEvent","code":200,"body":{"attachmentId":"a-1",\
                "errorCode":4001,"errorMessage":"File type not supported","timestamp":"2025-01-01T10:00:00.000Z"}}""");
        frames.put("UploadSuccessEvent", """
                {"type":"message","class":"UploadSuccessEvent","code":200,"body":{"attachmentId":"a-1",\
                "downloadUrl":"https://dl.example.com/a-1","timestamp":"2025-01-01T10:00:00.000Z"}}""");
        frames.put("ConnectionClosedEvent", """
                {"type":"message","class":"ConnectionClosedEvent","code":200,"body":{"reasonCode":"signedIn"}}""");
        frames.put("LogoutEvent", """
                {"type":"message","class":"LogoutEvent","code":200,"body":{}}""");
        frames.put("SessionExpiredEvent", """
                {"type":"response","class":"SessionExpiredEvent","code":200,"body":{}}""");
        frames.put("JwtResponse", """
                {"type":"response","class":"JwtResponse","code":200,"body":{"jwt":"eyJhbGciOiJub25lIn0.e30.","exp":1700000000}}""");
        frames.put("GetConfigurationResponse", """
                {"type":"response","class":"GetConfigurationResponse","code":200,"body":{"allowedMedia":\
                {"inbound":{"fileTypes":[],"maxFileSizeKB":0}},"maxCustomDataBytes":2048,"messageRoutingEnabled":true,\
                "sessionDurationSeconds":259200}}""");
        frames.put("GenerateUrlError", """
                {"type":"message","class":"GenerateUrlError","code":200,"body":{"attachmentId":"a-1","errorCode":4002,\
                "errorMessage":"File size too large","name":"GenerateUrlError","message":"too large"}}""");
        frames.put("TooManyRequestsErrorMessage", """
                {"type":"response","class":"TooManyRequestsErrorMessage","code":429,"body":{"name":"TooManyRequests",\
                "message":"rate","errorCode":4029,"errorMessage":"Message rate too high for this session","retryAfter":3}}""");
        frames.put("ResumeTokenResponse", """
                {"type":"response","class":"ResumeTokenResponse","code":200,"body":{"resumeToken":"r-1","exp":1700000000}}""");
        frames.put("SessionClearedEvent", """
                {"type":"message","class":"SessionClearedEvent","code":200,"body":{}}""");
        frames.put("Error", """
                {"type":"response","class":"Error","code":500,"body":{"name":"Error","message":"boom","errorCode":5000,\
                "errorMessage":"Unexpected server error"}}""");
        frames.put("Unknown", """
                {"type":"message","class":"Unknown","code":200,"body":{"something":"new"}}""");
        return frames;
    }
}
