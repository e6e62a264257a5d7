package dev.reckon.source;

import dev.reckon.core.SlurmSyntax;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hour cache never changes an answer: every timestamp reads as SlurmSyntax.time reads it, DST changes included. */
class LocalTimesPropertiesTest {
    private static final DateTimeFormatter F = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final List<String> ZONES = List.of("UTC", "Europe/Berlin", "America/New_York",
            "Australia/Lord_Howe", "Asia/Kolkata", "America/St_Johns");

    @Provide
    Arbitrary<List<String>> timestamps() {
        // minutes around the 2024 daylight-saving changes, so that cached hours meet gaps and overlaps
        LocalDateTime base = LocalDateTime.of(2024, 3, 9, 0, 0);
        Arbitrary<String> one = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 60L * 24 * 60).map(m -> F.format(base.plusMinutes(m).plusSeconds(m % 60))),
                Arbitraries.longs().between(0, 60L * 24 * 60).map(m -> F.format(base.withMonth(10).withDayOfMonth(25).plusMinutes(m))),
                Arbitraries.longs().between(0, 60L * 24 * 60).map(m -> F.format(base.withMonth(4).withDayOfMonth(6).plusMinutes(m))),
                Arbitraries.longs().between(0, 60L * 24 * 60).map(m -> F.format(base.withMonth(11).withDayOfMonth(2).plusMinutes(m))));
        return one.list().ofMinSize(1).ofMaxSize(50);
    }

    @Property(tries = 300)
    void cachedHoursReadAsTheZoneRulesSay(@ForAll("timestamps") List<String> times,
                                          @ForAll("zones") String zoneName) {
        ZoneId zone = ZoneId.of(zoneName);
        LocalTimes cached = new LocalTimes(zone);
        for (String t : times) assertEquals(SlurmSyntax.time(t, zone), cached.parse(t), t + " in " + zone);
    }

    @Provide
    Arbitrary<String> zones() {
        return Arbitraries.of(ZONES);
    }
}
