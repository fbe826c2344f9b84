package io.carryover.identity;

import io.carryover.testing.Guest;

/** Client frames that probe the identity policy's reading of {@code action}; {@code %s} is the guest's token. */
final class PolicyFrames {

    static final String ESCAPED = "{\"action\":\"\\u0063onfigureAuthenticatedSession\",\"token\":\"%s\","
            + "\"deploymentId\":\"" + Guest.DEPLOYMENT + "\",\"data\":{\"code\":\"genesys-jwt\"}}";
    static final String DUPLICATE = "{\"action\":\"echo\",\"action\":\"configureAuthenticatedSession\",\"token\":\"%s\","
            + "\"deploymentId\":\"" + Guest.DEPLOYMENT + "\",\"data\":{\"code\":\"genesys-jwt\"}}";
    static final String WHITESPACE = "{ \"action\" :\n \"configureAuthenticatedSession\" , \"token\":\"%s\","
            + "\"deploymentId\":\"" + Guest.DEPLOYMENT + "\",\"data\":{\"code\":\"genesys-jwt\"}}";

    private PolicyFrames() {
    }
}
