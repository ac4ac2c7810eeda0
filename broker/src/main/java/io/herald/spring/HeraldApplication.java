package io.herald.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Starts Herald: a STOMP broker on {@code /ws}, {@code /sockjs} and raw TCP.
 */
@SpringBootApplication
public class HeraldApplication {

	public static void main(String[] args) {
		SpringApplication.run(HeraldApplication.class, args);
	}

}
