/*
 * The Trino server's entry point, as the unpublished trino-server-main module's TrinoServer does it:
 * io.trino.server.Server from trino-main, started with the version the jars are. The configuration
 * comes from -Dconfig=<etc>/config.properties (toolchain/trino/trino_server.py writes it).
 * Usage: java -cp <lib jars>:<this class> TrinoServerMain <version>
 */
public final class TrinoServerMain {
    private TrinoServerMain() {}

    public static void main(String[] args) {
        new io.trino.server.Server().start(args[0]);
    }
}
