/** The embedded demo ({@code ./mvnw -Pdemo package}): one OpenSearch node in-process with the plugin and a demo corpus. */
package org.opensearch.multimodal.demo;
