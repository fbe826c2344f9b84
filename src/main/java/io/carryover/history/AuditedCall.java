package io.carryover.history;

import java.util.Set;
import java.util.UUID;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;

/**
 * One History API call that leaves exactly one audit row, whatever its outcome: {@code ok}, the problem's slug
 * ({@code not-found}, {@code invalid-cursor}, ...), {@code invalid-request} for parameters that fail validation, or
 * {@code error}. The body names the customer and target as it learns them (a conversation read learns its customer
 * only once found).
 */
final class AuditedCall {

    /** The work of a call; it may throw, the audit row is written anyway. */
    interface Body<T> {
        T run(AuditedCall call) throws Exception;
    }

    private final Validator validator;
    UUID customerId;
    String target;

    private AuditedCall(Validator validator) {
        this.validator = validator;
    }

    static <T> T run(AuditLog audit, Validator validator, Caller caller, AuditLog.Action action, Body<T> body)
            throws Exception {
        AuditedCall call = new AuditedCall(validator);
        String result = "error";
        try {
            T value = body.run(call);
            result = "ok";
            return value;
        } catch (ApiProblem e) {
            result = e.slug();
            throw e;
        } catch (ConstraintViolationException e) {
            result = "invalid-request";
            throw e;
        } finally {
            audit.record(caller, action, call.customerId, call.target, result);
        }
    }

    /** Hibernate Validator on the call's parameters; violations become the usual 400 {@code invalid-request}. */
    <P> P valid(P params) {
        return validate(validator, params);
    }

    /** For routes that write their audit row themselves: validated inside the call, so a 400 keeps its row. */
    static <P> P validate(Validator validator, P params) {
        Set<ConstraintViolation<P>> violations = validator.validate(params);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return params;
    }
}
