public enum MigrationFiles { public static let placeholder = 0 }
