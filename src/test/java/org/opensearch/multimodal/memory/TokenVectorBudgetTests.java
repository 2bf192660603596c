package org.opensearch.multimodal.memory;

import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.breaker.CircuitBreakingException;
import org.opensearch.core.common.unit.ByteSizeValue;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.multimodal.settings.MultimodalSettings;
import org.opensearch.test.OpenSearchTestCase;

/** {@link TokenVectorBudget} against a real breaker of OpenSearch's breaker service: charged, refused, handed back. */
public final class TokenVectorBudgetTests extends OpenSearchTestCase {

    public void testTheBreakerSeesEveryReservedByteAndGetsThemBack() {
        CircuitBreaker breaker = TestBreakers.multimodal(1_000);
        TokenVectorBudget first = new TokenVectorBudget(ByteSizeValue.parseBytesSizeValue("1mb", "test"), breaker);
        TokenVectorBudget second = new TokenVectorBudget(ByteSizeValue.parseBytesSizeValue("1mb", "test"), breaker);
        first.reserve(600);
        second.reserve(300);
        assertEquals("two requests' token vectors, on the node's breaker", 900, breaker.getUsed());
        CircuitBreakingException refused = expectThrows(CircuitBreakingException.class, () -> second.reserve(200));
        assertEquals(RestStatus.TOO_MANY_REQUESTS, refused.status());
        assertTrue(refused.getMessage(), refused.getMessage().contains("[" + MultimodalSettings.BREAKER_NAME + "]"));
        assertEquals("a refusal reserves nothing", 900, breaker.getUsed());
        assertEquals(1, breaker.getTrippedCount());
        first.release();
        assertEquals("the refused request keeps what it had reserved", 300, breaker.getUsed());
        second.release();
        second.release();
        assertEquals("every byte handed back, once", 0, breaker.getUsed());
        first.reserve(1_000);
        assertEquals(1_000, breaker.getUsed());
        first.release();
    }

    public void testThePerRequestCapRefusesBeforeTheBreaker() {
        CircuitBreaker breaker = TestBreakers.multimodal(1_000_000);
        TokenVectorBudget budget = new TokenVectorBudget(ByteSizeValue.parseBytesSizeValue("500b", "test"), breaker);
        budget.reserve(400);
        OpenSearchStatusException refused = expectThrows(OpenSearchStatusException.class, () -> budget.reserve(200));
        assertEquals(RestStatus.TOO_MANY_REQUESTS, refused.status());
        assertTrue(refused.getMessage(), refused.getMessage().contains(MultimodalSettings.TOKEN_VECTOR_BYTES_PER_REQUEST.getKey()));
        assertEquals(400, breaker.getUsed());
        assertEquals(0, breaker.getTrippedCount());
        budget.release();
        assertEquals(0, breaker.getUsed());
    }

    public void testEstimatesAreBytesOfJsonNumbers() {
        assertEquals(30 * 384 * TokenVectorBudget.BYTES_PER_VALUE, TokenVectorBudget.estimateBytes(30, 384));
    }
}
