package io.carryover.testing;

import io.quarkus.test.common.QuarkusTestResource;

/** Registers the database for every {@code @QuarkusTest} in the run. */
@QuarkusTestResource(PostgresTestResource.class)
public final class GlobalTestResources {
    private GlobalTestResources() {
    }
}
