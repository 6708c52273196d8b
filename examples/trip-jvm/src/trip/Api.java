package trip;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The routes of docs/target-api.md: one method per endpoint, answers as (status, body). */
final class Api {
    record Answer(int status, Object body) {}

    private static final Pattern TRIP = Pattern.compile("/trips/([^/]+)");
    private static final Pattern PLANS = Pattern.compile("/trips/([^/]+)/plans");
    private static final Pattern PLAN = Pattern.compile("/trips/([^/]+)/plans/([^/]+)");
    private static final Pattern DAY = Pattern.compile("/trips/([^/]+)/days/([^/]+)/plans");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Set<String> TRIP_FIELDS = Set.of("title", "start_date", "end_date", "status");
    private static final Set<String> PLAN_FIELDS = Set.of("day", "title", "latitude", "longitude");

    private final Store store;
    private final Tokens tokens;

    Api(Store store, Tokens tokens) {
        this.store = store;
        this.tokens = tokens;
    }

    /** The route template a path matches ("unmatched" if none), for the metrics. */
    static String route(String path) {
        if (path.equals("/login") || path.equals("/trips") || path.equals("/health")
                || path.equals("/metrics") || path.equals("/warmup/complete")) {
            return path;
        }
        if (DAY.matcher(path).matches()) {
            return "/trips/{trip_id}/days/{day}/plans";
        }
        if (PLAN.matcher(path).matches()) {
            return "/trips/{trip_id}/plans/{plan_id}";
        }
        if (PLANS.matcher(path).matches()) {
            return "/trips/{trip_id}/plans";
        }
        return TRIP.matcher(path).matches() ? "/trips/{trip_id}" : "unmatched";
    }

    Answer handle(String method, String path, String authorization, String body) {
        String m = method.equals("HEAD") ? "GET" : method;
        if (path.equals("/login")) {
            requireMethod(m, "POST");
            return login(object(body));
        }
        Matcher match;
        if (path.equals("/trips")) {
            long user = user(authorization);
            if (m.equals("GET")) {
                return new Answer(200, Map.of("trips", store.listTrips(user)));
            }
            requireMethod(m, "POST");
            return createTrip(user, object(body));
        }
        if ((match = DAY.matcher(path)).matches()) {
            requireMethod(m, "GET");
            return dayPlans(user(authorization), id("trip_id", match.group(1)),
                    id("day", match.group(2)));
        }
        if ((match = PLAN.matcher(path)).matches()) {
            long user = user(authorization);
            Store.Trip trip = store.trip(user, id("trip_id", match.group(1)));
            long planId = id("plan_id", match.group(2));
            synchronized (trip) {
                switch (m) {
                    case "GET":
                        return new Answer(200, Store.plan(trip, planId).toJson());
                    case "PATCH":
                        return updatePlan(trip, planId, object(body));
                    case "DELETE":
                        trip.plans.remove(Store.plan(trip, planId));
                        return new Answer(204, null);
                    default:
                        throw notAllowed(m);
                }
            }
        }
        if ((match = PLANS.matcher(path)).matches()) {
            long user = user(authorization);
            Store.Trip trip = store.trip(user, id("trip_id", match.group(1)));
            synchronized (trip) {
                if (m.equals("GET")) {
                    List<Object> plans = new java.util.ArrayList<>();
                    for (Store.Plan plan : Store.sortedPlans(trip)) {
                        plans.add(plan.toJson());
                    }
                    return new Answer(200, Map.of("plans", plans));
                }
                requireMethod(m, "POST");
                return createPlan(trip, object(body));
            }
        }
        if ((match = TRIP.matcher(path)).matches()) {
            long user = user(authorization);
            long tripId = id("trip_id", match.group(1));
            switch (m) {
                case "GET": {
                    Store.Trip trip = store.trip(user, tripId);
                    synchronized (trip) {
                        return new Answer(200, trip.toJson());
                    }
                }
                case "PATCH":
                    return updateTrip(store.trip(user, tripId), object(body));
                case "DELETE":
                    store.deleteTrip(user, tripId);
                    return new Answer(204, null);
                default:
                    throw notAllowed(m);
            }
        }
        throw new ApiError(404, "No such endpoint.");
    }

    private Answer login(Map<String, Object> body) {
        Object username = require(body, "username");
        Object password = require(body, "password");
        if (!(username instanceof String u) || !(password instanceof String p)) {
            throw new ApiError(400, "username and password must be strings.");
        }
        long user = store.login(u, p);
        if (user < 0) {
            throw new ApiError(401, "Wrong username or password.");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("token", tokens.issue(user));
        answer.put("user_id", user);
        return new Answer(200, answer);
    }

    private Answer createTrip(long user, Map<String, Object> body) {
        String title = title(require(body, "title"));
        LocalDate start = date("start_date", require(body, "start_date"));
        LocalDate end = date("end_date", require(body, "end_date"));
        tripDays(start, end);
        String status = status(body.getOrDefault("status", "planned"));
        Store.Trip trip = store.createTrip(user, title, start, end, status);
        synchronized (trip) {
            return new Answer(201, trip.toJson());
        }
    }

    private Answer updateTrip(Store.Trip trip, Map<String, Object> body) {
        onlyFields(body, TRIP_FIELDS);
        synchronized (trip) {
            String title = body.containsKey("title") ? title(body.get("title")) : trip.title;
            String status = body.containsKey("status") ? status(body.get("status")) : trip.status;
            LocalDate start = date("start_date", body.getOrDefault("start_date", trip.startDate.toString()));
            LocalDate end = date("end_date", body.getOrDefault("end_date", trip.endDate.toString()));
            int days = tripDays(start, end);
            int lastDay = 0;
            for (Store.Plan plan : trip.plans) {
                lastDay = Math.max(lastDay, plan.day);
            }
            if (lastDay > days) {
                throw new ApiError(409, "Trip " + trip.id + " has plans on day " + lastDay + " > "
                        + days + " days.");
            }
            trip.title = title;
            trip.status = status;
            trip.startDate = start;
            trip.endDate = end;
            return new Answer(200, trip.toJson());
        }
    }

    private Answer createPlan(Store.Trip trip, Map<String, Object> body) {
        for (String field : List.of("day", "title", "latitude", "longitude")) {
            require(body, field);
        }
        String title = title(body.get("title"));
        double latitude = coordinate("latitude", body.get("latitude"));
        double longitude = coordinate("longitude", body.get("longitude"));
        int day = day(body.get("day"), trip.days());
        return new Answer(201, store.createPlan(trip, day, title, latitude, longitude).toJson());
    }

    private Answer updatePlan(Store.Trip trip, long planId, Map<String, Object> body) {
        onlyFields(body, PLAN_FIELDS);
        String title = body.containsKey("title") ? title(body.get("title")) : null;
        Double latitude = body.containsKey("latitude") ? coordinate("latitude", body.get("latitude")) : null;
        Double longitude = body.containsKey("longitude") ? coordinate("longitude", body.get("longitude")) : null;
        Integer day = body.containsKey("day") ? day(body.get("day"), trip.days()) : null;
        Store.Plan plan = Store.plan(trip, planId);
        if (title != null) {
            plan.title = title;
        }
        if (latitude != null) {
            plan.latitude = latitude;
        }
        if (longitude != null) {
            plan.longitude = longitude;
        }
        if (day != null) {
            plan.day = day;
        }
        return new Answer(200, plan.toJson());
    }

    private Answer dayPlans(long user, long tripId, long day) {
        Store.Trip trip = store.trip(user, tripId);
        List<Store.Plan> plans = new java.util.ArrayList<>();
        synchronized (trip) {
            if (day > trip.days()) {
                throw new ApiError(404, "Trip " + tripId + " has days 1.." + trip.days()
                        + " (got " + day + ").");
            }
            for (Store.Plan plan : trip.plans) {
                if (plan.day == day) {
                    plans.add(plan);
                }
            }
        }
        double[] total = new double[1];
        List<Map<String, Object>> ordered = Geo.orderByNearest(plans, total);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("trip_id", tripId);
        answer.put("day", day);
        answer.put("total_km", total[0]);
        answer.put("plans", ordered);
        return new Answer(200, answer);
    }

    private long user(String authorization) {
        long user = -1;
        if (authorization != null) {
            int space = authorization.indexOf(' ');
            if (space > 0 && authorization.substring(0, space).equalsIgnoreCase("bearer")) {
                user = tokens.userId(authorization.substring(space + 1).trim());
            }
        }
        if (user < 0) {
            throw new ApiError(401, "A valid 'Authorization: Bearer <token>' header is required.");
        }
        return user;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String body) {
        Object value;
        try {
            value = Json.parse(body);
        } catch (RuntimeException error) {
            throw new ApiError(400, "The body is not valid JSON.");
        }
        if (!(value instanceof Map)) {
            throw new ApiError(400, "The body must be a JSON object.");
        }
        return (Map<String, Object>) value;
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw notAllowed(method);
        }
    }

    private static ApiError notAllowed(String method) {
        return new ApiError(405, "Method " + method + " is not allowed here.");
    }

    private static long id(String name, String raw) {
        if (raw.isEmpty() || raw.length() > 18 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')
                || Long.parseLong(raw) < 1) {
            String shown = raw.length() > 40 ? raw.substring(0, 40) : raw;
            throw new ApiError(400, name + " must be a positive integer (got '" + shown + "').");
        }
        return Long.parseLong(raw);
    }

    private static Object require(Map<String, Object> body, String field) {
        if (!body.containsKey(field)) {
            throw new ApiError(400, "Missing field '" + field + "'.");
        }
        return body.get(field);
    }

    private static String title(Object value) {
        if (!(value instanceof String s) || s.isBlank()) {
            throw new ApiError(400, "title must be a non-empty string.");
        }
        if (s.length() > 200) {
            throw new ApiError(400, "title must be at most 200 characters.");
        }
        return s;
    }

    private static LocalDate date(String field, Object value) {
        if (value instanceof String s && DATE.matcher(s).matches()) {
            try {
                return LocalDate.parse(s);
            } catch (DateTimeParseException ignored) {
                // falls through to the error below
            }
        }
        throw new ApiError(400, field + " must be a date YYYY-MM-DD (got '" + value + "').");
    }

    private static int tripDays(LocalDate start, LocalDate end) {
        long days = java.time.temporal.ChronoUnit.DAYS.between(start, end) + 1;
        if (days < 1 || days > 30) {
            throw new ApiError(400, "end_date must be 0..29 days after start_date.");
        }
        return (int) days;
    }

    private static String status(Object value) {
        if (value instanceof String s && List.of(Store.STATUSES).contains(s)) {
            return s;
        }
        throw new ApiError(400, "status must be one of planned, ongoing, done.");
    }

    private static int day(Object value, int days) {
        if (!(value instanceof Long l) || l < 1 || l > days) {
            throw new ApiError(400, "day must be an integer in 1.." + days + " (got '" + value + "').");
        }
        return l.intValue();
    }

    private static double coordinate(String field, Object value) {
        int limit = field.equals("latitude") ? 90 : 180;
        if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())
                || Math.abs(n.doubleValue()) > limit) {
            throw new ApiError(400, field + " must be a number in [-" + limit + ", " + limit + "].");
        }
        return n.doubleValue();
    }

    private static void onlyFields(Map<String, Object> body, Set<String> allowed) {
        for (String key : body.keySet()) {
            if (!allowed.contains(key)) {
                throw new ApiError(400, "Unknown field '" + key + "'.");
            }
        }
        if (body.isEmpty()) {
            throw new ApiError(400, "Give at least one field to change.");
        }
    }
}
