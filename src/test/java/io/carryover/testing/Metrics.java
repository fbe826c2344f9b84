package io.carryover.testing;

import static io.restassured.RestAssured.given;

/** Reads one sample from the Prometheus endpoint, e.g. {@code value("carryover_relay_closed_total", "reason=\"binary\"")}. */
public final class Metrics {

    private Metrics() {
    }

    /** The sample's value, or 0 if the series does not exist yet. */
    public static double value(String name, String... labels) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : body.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean matches = true;
            for (String label : labels) {
                matches &= line.contains(label);
            }
            if (matches) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
