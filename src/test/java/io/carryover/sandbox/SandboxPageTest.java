package io.carryover.sandbox;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The demo page, which lives with the sandbox (src/sandbox), is served in the tests' application. */
@QuarkusTest
class SandboxPageTest {

    @Test
    void theDemoPageIsServed() {
        given().get("/sandbox/").then().statusCode(200)
                .contentType(startsWith("text/html"))
                .body(containsString("<title>Carryover sandbox</title>"));
    }
}
