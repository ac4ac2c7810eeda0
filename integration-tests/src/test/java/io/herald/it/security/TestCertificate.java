package io.herald.it.security;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A self-signed certificate for localhost made with the JDK's keytool: the server's
 * PKCS12 keystore, and a client TLS context that trusts exactly that certificate.
 *
 * @param keystore the PKCS12 keystore holding the key under alias {@code herald}
 * @param clientTls a client context trusting the certificate
 */
record TestCertificate(Path keystore, SSLContext clientTls) {

	static final String PASSWORD = "changeit";

	static TestCertificate generate(Path directory) throws Exception {
		Path keystore = directory.resolve("herald.p12");
		Path certificate = directory.resolve("herald.crt");
		keytool("-genkeypair", "-alias", "herald", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
				"-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
				keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
		keytool("-exportcert", "-rfc", "-alias", "herald", "-keystore", keystore.toString(), "-storepass", PASSWORD,
				"-file", certificate.toString());
		return new TestCertificate(keystore, trusting(certificate));
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
