package io.herald.bench.simple;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;

/**
 * The Spring STOMP setup a Spring user writes first: Spring Boot, Tomcat, the in-memory
 * simple broker. {@code --port=N} is mapped to {@code server.port} in
 * {@code application.properties}; {@code READY ws://127.0.0.1:N/ws} is printed once the
 * application is ready.
 */
@SpringBootApplication
public class SpringSimpleBroker {

	public static void main(String[] args) {
		SpringApplication.run(SpringSimpleBroker.class, args);
	}

	@EventListener
	void printReadyLine(ApplicationReadyEvent event) {
		int port = ((WebServerApplicationContext) event.getApplicationContext()).getWebServer().getPort();
		System.out.println("READY ws://127.0.0.1:" + port + "/ws");
		System.out.flush();
	}

}
