/** A node's services (inference, image input, request limits, stats) as one value handed to what uses them. */
package org.opensearch.multimodal.services;
