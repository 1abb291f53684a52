package io.meridian.engine.semantic;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.prepare.CalciteSqlValidator;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorTable;

/** Calcite's validator, after {@link SemanticExpander} has expanded queries over semantic tables. */
public final class MeridianSqlValidator extends CalciteSqlValidator {
  private final SemanticExpander expander;
  private final List<String> defaultSchema;
  private final boolean useRollups;
  private final List<String> rollupNotes;

  public MeridianSqlValidator(SqlOperatorTable opTab, CalciteCatalogReader catalogReader,
      JavaTypeFactory typeFactory, Config config, SemanticExpander expander) {
    this(opTab, catalogReader, typeFactory, config, expander, true, new java.util.ArrayList<>());
  }

  /** A validator whose expansion may read rollups (when {@code useRollups}) and notes how in {@code rollupNotes}. */
  public MeridianSqlValidator(SqlOperatorTable opTab, CalciteCatalogReader catalogReader,
      JavaTypeFactory typeFactory, Config config, SemanticExpander expander, boolean useRollups,
      List<String> rollupNotes) {
    super(opTab, catalogReader, typeFactory, config);
    this.expander = requireNonNull(expander, "expander is null");
    this.useRollups = useRollups;
    this.rollupNotes = requireNonNull(rollupNotes, "rollupNotes is null");
    List<List<String>> paths = catalogReader.getSchemaPaths();
    this.defaultSchema = paths.isEmpty() ? List.of() : paths.get(0);
  }

  @Override
  public SqlNode validate(SqlNode topNode) {
    expander.expand(topNode, defaultSchema, useRollups, rollupNotes);
    return super.validate(topNode);
  }
}
