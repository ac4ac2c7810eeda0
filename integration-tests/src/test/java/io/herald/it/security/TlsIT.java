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
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import io.herald.it.support.HeraldExtension;
import io.herald.testclient.StompFrame;
import io.herald.testclient.TcpStompConnection;
import io.herald.testclient.WebSocketStompConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS for WSS and STOMP/TCP from one Spring Boot SSL bundle, with a certificate the test
 * generates with the JDK's keytool.
 */
class TlsIT {

	@TempDir
	static Path directory;

	@RegisterExtension
	static final HeraldExtension broker = HeraldExtension.deferred();

	private static SSLContext clientTls;

	@BeforeAll
	static void startBroker() throws Exception {
		TestCertificate certificate = TestCertificate.generate(directory);
		Path keystore = certificate.keystore();
		clientTls = certificate.clientTls();
		broker.start("--spring.ssl.bundle.jks.herald.keystore.location=file:" + keystore,
				"--spring.ssl.bundle.jks.herald.keystore.password=" + TestCertificate.PASSWORD,
				"--spring.ssl.bundle.jks.herald.keystore.type=PKCS12",
				"--spring.ssl.bundle.jks.herald.key.alias=herald", "--server.ssl.bundle=herald",
				"--herald.tcp.ssl-bundle=herald");
	}

	@Test
	void wssAndTlsTcpClientsExchangeMessages() throws Exception {
		SSLSocket socket = (SSLSocket) clientTls.getSocketFactory().createSocket("127.0.0.1", broker.tcpPort());
		socket.startHandshake();
		try (WebSocketStompConnection browser = WebSocketStompConnection
			.to(URI.create("wss://127.0.0.1:" + broker.httpPort() + "/ws"))
			.tls(clientTls)
			.open(); TcpStompConnection feed = TcpStompConnection.over(socket)) {
			assertThat(browser.attemptConnect().command()).isEqualTo("CONNECTED");
			browser.send(StompFrame.create("SUBSCRIBE")
				.header("id", "0")
				.header("destination", "/topic/prices.ACME")
				.header("receipt", "sub"));
			assertThat(browser.receive().command()).isEqualTo("RECEIPT");
			assertThat(feed.attemptConnect().command()).isEqualTo("CONNECTED");
			feed.send(StompFrame.create("SEND").header("destination", "/topic/prices.ACME").body("{\"bid\":1}"));
			StompFrame message = browser.receive();
			assertThat(message.command()).isEqualTo("MESSAGE");
			assertThat(message.bodyText()).isEqualTo("{\"bid\":1}");
		}
	}

	@Test
	void plainTextOnTheTlsPortGetsNoStomp() throws Exception {
		try (Socket plain = new Socket("127.0.0.1", broker.tcpPort())) {
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

}
