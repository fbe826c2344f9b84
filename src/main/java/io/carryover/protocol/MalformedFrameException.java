package io.carryover.protocol;

/** The frame is not JSON, or not the shape the guest protocol defines. Its content is never put in the message. */
public class MalformedFrameException extends Exception {
    public MalformedFrameException(String reason) {
        super(reason, null, false, false);
    }
}
