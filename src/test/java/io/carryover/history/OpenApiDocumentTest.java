package io.carryover.history;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Integration teams generate clients from /q/openapi: the routes must say how they are secured. */
@QuarkusTest
class OpenApiDocumentTest {

    @Test
    void routesDeclareTheirSecuritySchemes() {
        JsonPath doc = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract()
                .jsonPath();
        assertThat(doc.getString("components.securitySchemes.bearer.scheme"), equalTo("bearer"));
        assertThat(doc.getString("components.securitySchemes.basic.scheme"), equalTo("basic"));
        assertThat(doc.getMap("paths.'/api/v1/customers'.get.security[0]").keySet(), hasItem("bearer"));
        assertThat(doc.getMap("paths.'/architect/summary'.post.security[0]").keySet(), hasItem("basic"));
    }
}
