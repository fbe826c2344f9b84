package io.carryover.archive;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** Read model of {@code customer}; rows are written by {@link ArchiveWriter}. */
@Entity
@Table(name = "customer")
public class Customer extends PanacheEntityBase {
    @Id
    public UUID id;
    public String issuer;
    public String subject;
    public Instant createdAt;
}
