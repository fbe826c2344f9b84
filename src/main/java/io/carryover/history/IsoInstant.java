package io.carryover.history;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * An ISO-8601 date-time with an offset ({@code 2026-11-20T09:00:00Z}, {@code 2026-11-20T10:00:00+01:00}); null is
 * valid (parameter absent). Query parameters arrive as text and are checked here, so a bad value is a 400
 * {@code invalid-request} naming the field, not a conversion error.
 */
@Documented
@Constraint(validatedBy = IsoInstant.Validator.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER })
@Retention(RetentionPolicy.RUNTIME)
public @interface IsoInstant {

    String message() default "must be an ISO-8601 date-time with offset, e.g. 2026-11-20T09:00:00Z";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<IsoInstant, String> {

        /** Years 1 to 9999: PostgreSQL's timestamptz refuses much of what java.time parses (+300000-01-01). */
        private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
        private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

        /** Null for null; call only on validated input. */
        static Instant parse(String value) {
            return value == null ? null : OffsetDateTime.parse(value).toInstant();
        }

        /** An instant the database can compare with, else {@link IllegalArgumentException}. */
        static Instant storable(Instant instant) {
            if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
                throw new IllegalArgumentException("instant out of range");
            }
            return instant;
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            try {
                storable(parse(value));
                return true;
            } catch (DateTimeParseException | IllegalArgumentException e) {
                return false;
            }
        }
    }
}
