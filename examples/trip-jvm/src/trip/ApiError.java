package trip;

/** A request that cannot be served: its HTTP status and one sentence for the body. */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int status;

    ApiError(int status, String message) {
        super(message);
        this.status = status;
    }
}
