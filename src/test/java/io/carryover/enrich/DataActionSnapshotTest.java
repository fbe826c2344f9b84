package io.carryover.enrich;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.carryover.identity.IdentityConfig;
import io.carryover.testing.HistorySeed;
import io.carryover.testing.HistorySeed.Line;
import io.carryover.testing.Sandbox;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Architect may call the data action while the archive is still writing the conversation's first messages. A
 * conversation archived between the lookup of the current conversation and the read of the prior ones must not be
 * summarized as a prior one (CI once counted two prior conversations where there was one).
 */
@QuarkusTest
class DataActionSnapshotTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    EnrichConfig config;

    @Inject
    SummaryService summaries;

    @Inject
    IdentityConfig identity;

    @Test
    void aConversationArchivedDuringTheCallIsNotTakenForAPriorOne() {
        String subject = "snapshot-" + UUID.randomUUID();
        UUID customer = HistorySeed.customer(Sandbox.ISSUER, subject);
        HistorySeed.conversation(customer, HistorySeed.DEPLOYMENT, Instant.now().minus(Duration.ofDays(2)), null,
                List.of(Line.customer("My parcel is late"), Line.agent("It arrives on Friday")));
        AtomicBoolean archived = new AtomicBoolean();
        AgroalDataSource racing = archivingAfterFirstQuery(() -> HistorySeed.conversation(customer,
                HistorySeed.DEPLOYMENT, Instant.now().minusSeconds(1), null, List.of(Line.customer("Where is it now?"))),
                archived);
        DataActionResource resource = new DataActionResource(new HistoryReader(racing, config), summaries, config,
                identity);

        Map<String, Object> answer = assertDoesNotThrow(() -> resource.summary(
                new DataActionResource.Request("genesys-" + UUID.randomUUID(), subject)));

        assertEquals(true, archived.get(), "the race was staged");
        assertEquals(1, answer.get("conversations"), answer.toString());
        assertEquals("", answer.get("summary2"), answer.toString());
    }

    /** The archive's data source, except that the current conversation is committed right after the first query. */
    private AgroalDataSource archivingAfterFirstQuery(Runnable archive, AtomicBoolean archived) {
        return proxy(AgroalDataSource.class, dataSource, (target, method, args) -> {
            Object result = invoke(target, method, args);
            if (!(result instanceof Connection connection)) {
                return result;
            }
            return proxy(Connection.class, connection, (c, m, a) -> {
                Object made = invoke(c, m, a);
                if (!(made instanceof PreparedStatement statement)) {
                    return made;
                }
                return proxy(PreparedStatement.class, statement, (s, sm, sa) -> {
                    Object done = invoke(s, sm, sa);
                    if (sm.getName().equals("executeQuery") && archived.compareAndSet(false, true)) {
                        archive.run();
                    }
                    return done;
                });
            });
        });
    }

    private interface Handler {
        Object handle(Object target, Method method, Object[] args) throws Throwable;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target, Handler handler) {
        return (T) Proxy.newProxyInstance(DataActionSnapshotTest.class.getClassLoader(), new Class<?>[] { type },
                (proxy, method, args) -> handler.handle(target, method, args));
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
