/** Vector math as pure functions over float arrays. */
package org.opensearch.multimodal.math;
