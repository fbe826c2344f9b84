package io.carryover.sandbox;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
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

    @Test
    void theRootLeadsToTheDemoPage() {
        given().redirects().follow(false).get("/").then().statusCode(302).header("Location", "/sandbox/");
    }

    @Test
    void theAddressTheDemoPrintsForTheControlApiAnswersWithItsEndpoints() {
        given().get("/sandbox/api").then().statusCode(200)
                .body("endpoints.path", hasItem("/sandbox/api/sessions/{token}"))
                .body("endpoints.path", hasItem("/sandbox/api/sessions/{token}/agent/disconnect"));
    }

    @Test
    void theWalkthroughScreenshotTheReadmeShowsIsServedWithThePage() {
        given().get("/sandbox/screenshot.png").then().statusCode(200).contentType("image/png");
    }
}
