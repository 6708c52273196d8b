package trip;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The trip API of docs/target-api.md on the JDK's own HTTP server, state in memory.
 *
 * <p>Options: --port N (8080), --host ADDR (127.0.0.1), --users N (10000), --threads N (16),
 * --require-warmup (GET /health answers 503 until POST /warmup/complete), --secret S (token
 * key; instances given the same secret accept each other's tokens), --seed N (data seed).
 */
public final class TripServer {
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final Api api;
    private final boolean requireWarmup;
    private volatile boolean warmedUp;
    private final long startedNanos = System.nanoTime();
    private final AtomicLong requestsTotal = new AtomicLong();
    private final Map<String, LongAdder> responses = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> routes = new ConcurrentHashMap<>();

    private TripServer(Api api, boolean requireWarmup) {
        this.api = api;
        this.requireWarmup = requireWarmup;
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = options(args);
        int port = Integer.parseInt(options.getOrDefault("port", "8080"));
        int users = Integer.parseInt(options.getOrDefault("users", "10000"));
        int threads = Integer.parseInt(options.getOrDefault("threads", "16"));
        long seed = Long.parseLong(options.getOrDefault("seed", "20241213"));
        String secret = options.getOrDefault("secret", "trip-jvm-example-secret");
        // Without TCP_NODELAY, headers and body leave as two segments and the client's
        // delayed ACK adds ~40 ms to every response.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Store store = new Store(users, seed);
        TripServer server = new TripServer(new Api(store, new Tokens(secret)),
                options.containsKey("require-warmup"));
        HttpServer http = HttpServer.create(
                new InetSocketAddress(options.getOrDefault("host", "127.0.0.1"), port), 1024);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        http.setExecutor(pool);
        http.createContext("/", server::serve);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            http.stop(0);
            pool.shutdownNow();
        }));
        http.start();
        System.out.println("trip-jvm: serving " + users + " users on http://"
                + options.getOrDefault("host", "127.0.0.1") + ":" + port);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                usage("unexpected argument " + args[i]);
            }
            String name = args[i].substring(2);
            if (name.equals("require-warmup")) {
                options.put(name, "true");
            } else if (i + 1 < args.length) {
                options.put(name, args[++i]);
            } else {
                usage("--" + name + " needs a value");
            }
        }
        return options;
    }

    private static void usage(String message) {
        System.err.println("trip-jvm: error: " + message);
        System.exit(2);
    }

    private void serve(HttpExchange exchange) throws IOException {
        requestsTotal.incrementAndGet();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        int status;
        Object body;
        try {
            Api.Answer answer = answer(exchange, method, path);
            status = answer.status();
            body = answer.body();
        } catch (ApiError error) {
            status = error.status;
            body = Map.of("error", error.getMessage());
        } catch (RuntimeException error) {
            status = 500;
            body = Map.of("error", "Internal error: " + error);
        }
        responses.computeIfAbsent(Integer.toString(status), k -> new LongAdder()).increment();
        routes.computeIfAbsent(method + " " + Api.route(path), k -> new LongAdder()).increment();
        byte[] bytes = body == null ? new byte[0] : Json.write(body).getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    private Api.Answer answer(HttpExchange exchange, String method, String path) throws IOException {
        switch (path) {
            case "/health":
                if (requireWarmup && !warmedUp) {
                    return new Api.Answer(503, Map.of("status", "warming_up"));
                }
                return new Api.Answer(200, Map.of("status", "ok"));
            case "/warmup/complete":
                warmedUp = true;
                return new Api.Answer(200, Map.of("status", "ok"));
            case "/metrics":
                return new Api.Answer(200, metrics());
            default:
                String body = readBody(exchange.getRequestBody());
                return api.handle(method, path, exchange.getRequestHeaders().getFirst("Authorization"),
                        body);
        }
    }

    private static String readBody(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ApiError(413, "The body must be at most " + MAX_BODY_BYTES + " bytes.");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private Map<String, Object> metrics() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("uptime_seconds", (System.nanoTime() - startedNanos) / 1e9);
        double cpu = 0;
        if (ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            cpu = os.getProcessCpuTime() / 1e9;
        }
        json.put("cpu_seconds", cpu);
        json.put("requests_total", requestsTotal.get());
        json.put("responses", counts(responses));
        json.put("routes", counts(routes));
        json.put("pid", ProcessHandle.current().pid());
        return json;
    }

    private static Map<String, Object> counts(Map<String, LongAdder> counters) {
        Map<String, Object> out = new LinkedHashMap<>();
        counters.forEach((key, value) -> out.put(key, value.sum()));
        return out;
    }
}
