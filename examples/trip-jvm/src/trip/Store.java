package trip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Users, trips and plans in memory, seeded deterministically (same seed, same data). */
final class Store {
    static final String[] STATUSES = {"planned", "ongoing", "done"};
    private static final Object[][] CITIES = {
        {"Seoul", 37.5665, 126.9780}, {"Busan", 35.1796, 129.0756},
        {"Jeju", 33.4996, 126.5312}, {"Tokyo", 35.6762, 139.6503},
        {"Paris", 48.8566, 2.3522}, {"Lisbon", 38.7223, -9.1393},
        {"New York", 40.7128, -74.0060}, {"Sydney", -33.8688, 151.2093},
    };

    static final class User {
        final long id;
        final byte[] salt;
        final byte[] passwordHash;

        User(long id, byte[] salt, byte[] passwordHash) {
            this.id = id;
            this.salt = salt;
            this.passwordHash = passwordHash;
        }
    }

    static final class Trip {
        final long id;
        final long userId;
        String title;
        LocalDate startDate;
        LocalDate endDate;
        String status;
        final List<Plan> plans = new ArrayList<>();

        Trip(long id, long userId, String title, LocalDate start, LocalDate end, String status) {
            this.id = id;
            this.userId = userId;
            this.title = title;
            this.startDate = start;
            this.endDate = end;
            this.status = status;
        }

        int days() {
            return (int) ChronoUnit.DAYS.between(startDate, endDate) + 1;
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", id);
            json.put("title", title);
            json.put("start_date", startDate.toString());
            json.put("end_date", endDate.toString());
            json.put("status", status);
            json.put("days", days());
            return json;
        }
    }

    static final class Plan {
        final long id;
        final long tripId;
        int day;
        String title;
        double latitude;
        double longitude;

        Plan(long id, long tripId, int day, String title, double latitude, double longitude) {
            this.id = id;
            this.tripId = tripId;
            this.day = day;
            this.title = title;
            this.latitude = latitude;
            this.longitude = longitude;
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", id);
            json.put("trip_id", tripId);
            json.put("day", day);
            json.put("title", title);
            json.put("latitude", latitude);
            json.put("longitude", longitude);
            return json;
        }
    }

    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<Long, Trip> trips = new ConcurrentHashMap<>();
    private final Map<Long, List<Trip>> tripsByUser = new ConcurrentHashMap<>();
    private final AtomicLong nextTripId = new AtomicLong(1);
    private final AtomicLong nextPlanId = new AtomicLong(1);

    Store(int userCount, long seed) {
        Random rng = new Random(seed);
        for (long userId = 1; userId <= userCount; userId++) {
            byte[] salt = new byte[16];
            rng.nextBytes(salt);
            users.put("user" + userId, new User(userId, salt, hash(salt, "password" + userId)));
            List<Trip> own = new ArrayList<>();
            for (int t = 0, n = 2 + rng.nextInt(3); t < n; t++) {
                Object[] city = CITIES[rng.nextInt(CITIES.length)];
                int days = 2 + rng.nextInt(4);
                LocalDate start = LocalDate.of(2026, 1, 1).plusDays(rng.nextInt(365));
                Trip trip = new Trip(nextTripId.getAndIncrement(), userId, city[0] + " trip",
                        start, start.plusDays(days - 1), STATUSES[rng.nextInt(STATUSES.length)]);
                for (int day = 1; day <= days; day++) {
                    for (int stop = 1, stops = 2 + rng.nextInt(3); stop <= stops; stop++) {
                        trip.plans.add(new Plan(nextPlanId.getAndIncrement(), trip.id, day,
                                city[0] + " day " + day + " stop " + stop,
                                round6((Double) city[1] + (rng.nextDouble() - 0.5) * 0.4),
                                round6((Double) city[2] + (rng.nextDouble() - 0.5) * 0.4)));
                    }
                }
                trips.put(trip.id, trip);
                own.add(trip);
            }
            tripsByUser.put(userId, own);
        }
    }

    static double round6(double value) {
        return Math.round(value * 1e6) / 1e6;
    }

    static byte[] hash(byte[] salt, String password) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(salt);
            return digest.digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException error) {
            throw new IllegalStateException(error);
        }
    }

    /** The user id for a username and password, or -1. */
    long login(String username, String password) {
        User user = users.get(username);
        if (user == null || !MessageDigest.isEqual(hash(user.salt, password), user.passwordHash)) {
            return -1;
        }
        return user.id;
    }

    List<Map<String, Object>> listTrips(long userId) {
        List<Trip> own = tripsByUser.getOrDefault(userId, List.of());
        List<Map<String, Object>> out = new ArrayList<>();
        synchronized (own) {
            for (Trip trip : own) {
                synchronized (trip) {
                    out.add(trip.toJson());
                }
            }
        }
        return out;
    }

    /** One of the user's trips (lock it before reading or writing its fields), or a 404. */
    Trip trip(long userId, long tripId) {
        Trip trip = trips.get(tripId);
        if (trip == null || trip.userId != userId) {
            throw new ApiError(404, "No trip " + tripId + ".");
        }
        return trip;
    }

    Trip createTrip(long userId, String title, LocalDate start, LocalDate end, String status) {
        Trip trip = new Trip(nextTripId.getAndIncrement(), userId, title, start, end, status);
        trips.put(trip.id, trip);
        List<Trip> own = tripsByUser.computeIfAbsent(userId, id -> new ArrayList<>());
        synchronized (own) {
            own.add(trip);
        }
        return trip;
    }

    void deleteTrip(long userId, long tripId) {
        Trip trip = trip(userId, tripId);
        trips.remove(tripId);
        List<Trip> own = tripsByUser.get(userId);
        synchronized (own) {
            own.remove(trip);
        }
    }

    Plan createPlan(Trip trip, int day, String title, double latitude, double longitude) {
        Plan plan = new Plan(nextPlanId.getAndIncrement(), trip.id, day, title, latitude, longitude);
        trip.plans.add(plan);
        return plan;
    }

    static Plan plan(Trip trip, long planId) {
        for (Plan plan : trip.plans) {
            if (plan.id == planId) {
                return plan;
            }
        }
        throw new ApiError(404, "No plan " + planId + " in trip " + trip.id + ".");
    }

    static List<Plan> sortedPlans(Trip trip) {
        Plan[] plans = trip.plans.toArray(new Plan[0]);
        Arrays.sort(plans, (a, b) -> a.day != b.day ? Integer.compare(a.day, b.day)
                : Long.compare(a.id, b.id));
        return Arrays.asList(plans);
    }
}
