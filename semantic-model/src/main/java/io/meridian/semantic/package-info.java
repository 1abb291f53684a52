/**
 * The semantic model: governed tables, dimensions, measures, segments, relationships and metrics, read from YAML files
 * and validated against the physical sources before any query uses them.
 *
 * <p>Entry point: {@link io.meridian.semantic.ModelLoader#load}, which returns an immutable
 * {@link io.meridian.semantic.SemanticModel} or throws a {@link io.meridian.semantic.ModelException} listing every
 * problem with its file, line and column. The module depends on the SPI and Calcite only; the engine implements
 * {@link io.meridian.semantic.PhysicalCatalog} from the live sources.
 */
package io.meridian.semantic;
