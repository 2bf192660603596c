package org.opensearch.multimodal.integ;

import org.junit.Test;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A demo that cannot start says what went wrong and what to do in one line, not with a stack trace: the demo JVM
 * started as {@code ./mvnw -Pdemo package} starts it, on a port something else holds, and without the built models.
 */
public final class DemoLaunchIT {

    private static final Path HOME = Path.of(System.getProperty("tests.integ.dir", "target/integ")).toAbsolutePath();

    @Test
    public void testPortInUseIsOneLineNamingTheFix() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            DemoProcess.Exit exit = DemoProcess
                .runUntilExit(HOME.resolve("demo-port-taken"), taken.getLocalPort(), DemoProcess.builtModels());
            String line = theOneFailureLine(exit);
            assertTrue(line, line.contains("the port is already in use"));
            assertTrue(line, line.contains("-Ddemo.port=" + (taken.getLocalPort() + 1)));
        }
    }

    @Test
    public void testMissingModelsIsOneLineNamingTheFolder() throws Exception {
        Path noModels = Files.createDirectories(HOME.resolve("demo-no-models").resolve("empty-models"));
        DemoProcess.Exit exit = DemoProcess.runUntilExit(HOME.resolve("demo-no-models"), DemoProcess.freePort(), noModels);
        String line = theOneFailureLine(exit);
        assertTrue(line, line.contains("missing: " + noModels.resolve("bge-small-en-v1.5")));
        assertTrue(line, line.contains("./mvnw"));
    }

    /** Exit status 1, exactly one line saying why, no stack trace on the console (it is kept in a file the line names). */
    private static String theOneFailureLine(DemoProcess.Exit exit) throws Exception {
        assertEquals(String.join("\n", exit.output()), 1, exit.status());
        List<String> failures = exit.output().stream().filter(l -> l.startsWith("The demo could not run: ")).toList();
        assertEquals(String.join("\n", exit.output()), 1, failures.size());
        assertFalse(
            String.join("\n", exit.output()),
            exit.output().stream().anyMatch(l -> l.startsWith("\tat ") || l.startsWith("Exception in thread"))
        );
        String line = failures.get(0);
        Path trace = Path.of(line.substring(line.indexOf("(stack trace: ") + "(stack trace: ".length(), line.length() - 1));
        assertTrue(line, Files.readString(trace).contains("\tat "));
        return line;
    }
}
