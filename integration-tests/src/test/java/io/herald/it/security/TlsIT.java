package io.herald.it.security;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import io.herald.protocol.Command;
import io.herald.protocol.Frame;
import io.herald.spring.HeraldApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS for WSS and STOMP/TCP from one Spring Boot SSL bundle, with a certificate the test
 * generates with the JDK's keytool.
 */
class TlsIT {

	private static final String PASSWORD = "changeit";

	@TempDir
	static Path directory;

	private static ConfigurableApplicationContext broker;

	private static int httpsPort;

	private static int tcpPort;

	private static SSLContext clientTls;

	@BeforeAll
	static void startBroker() throws Exception {
		Path keystore = directory.resolve("herald.p12");
		Path certificate = directory.resolve("herald.crt");
		keytool("-genkeypair", "-alias", "herald", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
				"-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
				keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
		keytool("-exportcert", "-rfc", "-alias", "herald", "-keystore", keystore.toString(), "-storepass", PASSWORD,
				"-file", certificate.toString());
		clientTls = trusting(certificate);
		broker = new SpringApplicationBuilder(HeraldApplication.class).run("--server.port=0", "--herald.tcp.port=0",
				"--spring.main.banner-mode=off", "--spring.ssl.bundle.jks.herald.keystore.location=file:" + keystore,
				"--spring.ssl.bundle.jks.herald.keystore.password=" + PASSWORD,
				"--spring.ssl.bundle.jks.herald.keystore.type=PKCS12",
				"--spring.ssl.bundle.jks.herald.key.alias=herald", "--server.ssl.bundle=herald",
				"--herald.tcp.ssl-bundle=herald");
		httpsPort = Integer.parseInt(broker.getEnvironment().getRequiredProperty("local.server.port"));
		tcpPort = Integer.parseInt(broker.getEnvironment().getRequiredProperty("local.herald.tcp.port"));
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			broker.close();
		}
	}

	@Test
	void wssAndTlsTcpClientsExchangeMessages() throws Exception {
		SSLSocket socket = (SSLSocket) clientTls.getSocketFactory().createSocket("127.0.0.1", tcpPort);
		socket.startHandshake();
		try (RawStomp browser = RawStomp.webSocket(URI.create("wss://127.0.0.1:" + httpsPort + "/ws"), Map.of(),
				clientTls); RawStomp feed = RawStomp.tcp(socket)) {
			assertThat(browser.connect().command()).isEqualTo(Command.CONNECTED);
			browser.send("SUBSCRIBE", "", "id:0", "destination:/topic/prices.ACME", "receipt:sub");
			assertThat(browser.next().command()).isEqualTo(Command.RECEIPT);
			assertThat(feed.connect().command()).isEqualTo(Command.CONNECTED);
			feed.send("SEND", "{\"bid\":1}", "destination:/topic/prices.ACME");
			Frame message = browser.next();
			assertThat(message.command()).isEqualTo(Command.MESSAGE);
			assertThat(message.bodyAsText()).isEqualTo("{\"bid\":1}");
		}
	}

	@Test
	void plainTextOnTheTlsPortGetsNoStomp() throws Exception {
		try (Socket plain = new Socket("127.0.0.1", tcpPort)) {
			plain.setSoTimeout(10_000);
			plain.getOutputStream().write("CONNECT\naccept-version:1.2\n\n\0".getBytes(StandardCharsets.UTF_8));
			InputStream in = plain.getInputStream();
			byte[] answer = in.readNBytes(9);
			assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotStartWith("CONNECTED");
		}
		catch (IOException ex) {
			// a reset is an equally good refusal
		}
	}

	private static SSLContext trusting(Path certificate) throws Exception {
		KeyStore trust = KeyStore.getInstance("PKCS12");
		trust.load(null, null);
		try (InputStream in = Files.newInputStream(certificate)) {
			trust.setCertificateEntry("herald", CertificateFactory.getInstance("X.509").generateCertificate(in));
		}
		TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustManagers.init(trust);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trustManagers.getTrustManagers(), null);
		return context;
	}

	private static void keytool(String... arguments) throws Exception {
		Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
		List<String> command = new ArrayList<>(List.of(keytool.toString()));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
		assertThat(process.exitValue()).as("keytool %s: %s", arguments[0], output).isZero();
	}

}
