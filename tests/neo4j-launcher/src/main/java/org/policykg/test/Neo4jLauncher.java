package org.policykg.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Starts a throw-away Neo4j 5 community database with Bolt on a loopback port, for the tests.
 *
 * <p>Arguments (all optional): {@code port=N} (default 0: a free port chosen by the OS),
 * {@code home=DIR} (default: a new temporary folder, deleted on exit), {@code stop-on-stdin-eof}
 * (stop when standard input closes, so a parent process that dies takes the server with it).
 *
 * <p>Prints exactly one line {@code NEO4J_BOLT_URI=bolt://127.0.0.1:PORT} on stdout once Bolt accepts
 * connections; everything else goes to stderr. Authentication is disabled: it only listens on loopback.
 * Stops cleanly on SIGTERM/SIGINT.
 */
public final class Neo4jLauncher {

    private Neo4jLauncher() {}

    public static void main(String[] args) throws Exception {
        int port = 0;
        Path home = null;
        boolean stopOnStdinEof = false;
        for (String arg : args) {
            if (arg.startsWith("port=")) {
                port = Integer.parseInt(arg.substring(5));
            } else if (arg.startsWith("home=")) {
                home = Path.of(arg.substring(5));
            } else if (arg.equals("stop-on-stdin-eof")) {
                stopOnStdinEof = true;
            } else {
                System.err.println("neo4j-launcher: unknown argument " + arg
                        + " (expected port=N, home=DIR or stop-on-stdin-eof)");
                System.exit(2);
            }
        }
        boolean temporary = home == null;
        Path dir = temporary ? Files.createTempDirectory("policykg-neo4j-") : home;

        // the hook is in place before the database starts, so a SIGTERM during start-up also cleans up
        AtomicReference<DatabaseManagementService> running = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("neo4j-launcher: stopping");
            DatabaseManagementService started = running.getAndSet(null);
            if (started != null) {
                started.shutdown();
            }
            if (temporary) {
                deleteTree(dir);
            }
            stopped.countDown();
        }, "neo4j-launcher-shutdown"));

        DatabaseManagementService service = new DatabaseManagementServiceBuilder(dir)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                // small footprint: the test machines have 2 cores and a modest heap
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(128))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                // Bolt's network threads otherwise wait out a 2 s quiet period and more on every stop
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2))
                .build();
        running.set(service);

        GraphDatabaseService db = service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        // with port 0 the OS picks the port; the connector registry knows which one it bound
        ConnectorPortRegister ports = ((GraphDatabaseAPI) db).getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class);
        var bound = ports.getLocalAddress(ConnectorType.BOLT);
        waitForPort("127.0.0.1", bound.getPort(), Duration.ofSeconds(60));
        System.out.println("NEO4J_BOLT_URI=bolt://127.0.0.1:" + bound.getPort());
        System.out.flush();

        if (stopOnStdinEof) {
            Thread watcher = new Thread(() -> {
                try (InputStream in = System.in) {
                    while (in.read() != -1) {
                        // drain until the parent closes our stdin
                    }
                } catch (IOException ignored) {
                    // a broken pipe means the parent is gone, too
                }
                System.exit(0);
            }, "neo4j-launcher-stdin");
            watcher.setDaemon(true);
            watcher.start();
        }
        stopped.await();
    }

    private static void waitForPort(String host, int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Bolt did not open on " + host + ":" + port, e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("neo4j-launcher: could not delete " + root + ": " + e);
        }
    }
}
